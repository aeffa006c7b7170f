package io.sigmaquant.agent.worker;

import io.sigmaquant.agent.jobs.Availability;
import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.jobs.ModelMeasurer;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures in a worker process and enforces the job's deadline from outside it: while the worker measures, the
 * cancel-or-deadline check is polled every {@link #POLL_MS}; when it turns true the worker is killed (ONNX Runtime
 * may be inside a native call that never returns, session creation included), the job ends with
 * {@link Measurer.CancelledException}, and a fresh worker is started for the next job. A worker that cannot start
 * makes the agent unavailable until a retry succeeds.
 */
public final class WorkerMeasurer implements ModelMeasurer {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMeasurer.class);
    /** How often the deadline is checked: well under any deadline, negligible next to a measurement. */
    static final long POLL_MS = 50;
    /** Start-up is ≈ 1 s here (BENCHMARKS); 30 s leaves room for a loaded board. */
    static final Duration READY_WITHIN = Duration.ofSeconds(30);
    /** While the worker cannot start, try again this often. */
    static final long RETRY_MS = 10_000;
    static final String PART = "worker";

    private final List<String> command;
    private final Availability availability;
    private final ScheduledThreadPoolExecutor retries = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "worker-restart");
        t.setDaemon(true);
        return t;
    });
    /** At most one retry waits: every failed start used to schedule its own chain, and the chains multiplied. */
    private boolean retryScheduled;
    private final long retryMs;
    private volatile WorkerProcess worker;
    /** The plug's last reading, given to each new worker: a plug may publish only every few minutes. */
    private volatile byte[] lastPlugReading;

    public WorkerMeasurer(List<String> command, Availability availability) {
        this(command, availability, RETRY_MS);
    }

    WorkerMeasurer(List<String> command, Availability availability, long retryMs) {
        this.command = List.copyOf(command);
        this.availability = availability;
        this.retryMs = retryMs;
    }

    /** Starts the worker now, in the background, so that the first job does not wait for it. */
    public void prestart() {
        retries.execute(this::tryStart);
    }

    @Override
    public synchronized JobResult measure(MeasurementJob job, Path model, Path reference, Consumer<String> phase,
                                          BooleanSupplier cancelled) {
        WorkerProcess w = running();
        if (!w.send(new WorkerLines.Input(new WorkerLines.Request(job, model.toString(),
                reference == null ? null : reference.toString()), null))) {
            kill();
            throw new JobFailure(JobError.Codes.MEASUREMENT_FAILED, "the measuring worker stopped reading");
        }
        while (true) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) { // interrupted: closing
                LOG.info("job {}: cancelled or past its deadline; killing worker {}", job.jobId(), w.pid());
                kill();
                throw new Measurer.CancelledException();
            }
            WorkerLines.Output o = w.next(POLL_MS);
            if (o == WorkerProcess.EXITED) {
                String exit = w.exitCode();
                kill();
                throw new JobFailure(JobError.Codes.MEASUREMENT_FAILED, "the measuring worker exited while "
                        + "measuring (exit code " + exit + ")");
            }
            if (o == null) {
                continue;
            }
            if (o.phase() != null) {
                phase.accept(o.phase());
            } else if (o.result() != null) {
                return o.result();
            } else if (o.code() != null) {
                throw new JobFailure(o.code(), o.reason());
            }
        }
    }

    /** Passes a smart plug's reading to the worker, where the mqtt-plug meter lives. */
    public void plugReading(byte[] payload) {
        lastPlugReading = payload;
        WorkerProcess w = worker;
        if (w != null) {
            forward(w, payload);
        }
    }

    private static void forward(WorkerProcess w, byte[] payload) {
        w.send(new WorkerLines.Input(null, new String(payload, StandardCharsets.UTF_8)));
    }

    private WorkerProcess running() {
        WorkerProcess w = worker;
        if (w != null && w.alive()) {
            return w;
        }
        String failure = tryStart();
        if (failure != null) {
            throw new JobFailure(JobError.Codes.MEASUREMENT_FAILED, "the measuring worker cannot start: " + failure);
        }
        return worker;
    }

    /** Null on success, else why; an agent whose worker cannot start is unavailable and retries. */
    private synchronized String tryStart() {
        if (worker != null && worker.alive()) {
            return null;
        }
        try {
            worker = WorkerProcess.start(command, READY_WITHIN);
            byte[] plug = lastPlugReading;
            if (plug != null) {
                forward(worker, plug);
            }
            availability.up(PART);
            return null;
        } catch (IOException e) {
            worker = null;
            LOG.warn("the measuring worker cannot start: {}", e.getMessage());
            availability.down(PART, "the measuring worker cannot start: " + e.getMessage());
            if (!retryScheduled) {
                retryScheduled = true;
                retries.schedule(this::retry, retryMs, TimeUnit.MILLISECONDS);
            }
            return e.getMessage();
        }
    }

    private synchronized void retry() {
        retryScheduled = false;
        tryStart();
    }

    /** Retries waiting to run (tests). */
    int scheduledRetries() {
        return retries.getQueue().size();
    }

    private void kill() {
        WorkerProcess w = worker;
        worker = null;
        if (w != null) {
            w.close();
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        kill();
    }
}
