package io.sigmaquant.agent.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.UnsupportedVersionException;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes job messages, answers each once, and measures one job at a time from a bounded queue. Every failure
 * becomes an error reply with a code and a reason; a (job id, attempt) seen before is not measured again. Every
 * cancel is answered: a queued job at once, the running one when its measurement stops, any other with
 * {@code unknown-job}. A full queue or a job stuck past its deadline makes the agent unavailable until it clears.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** How many job ids are remembered for de-duplication. */
    static final int SEEN_IDS = 10_000;
    /** A job still running this long after its deadline is stuck (the watchdog should have ended it). */
    static final long STUCK_AFTER_MS = 10_000;
    static final int MAX_REASON = 1000;

    private final String agentId;
    private final JobExecutor executor;
    private final Replies replies;
    private final LongSupplier wallClockMs;
    private final MessageCodec codec = new MessageCodec();
    private final BlockingQueue<MeasurementJob> queue;
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_IDS;
        }
    });
    /** Guards which jobs are held (queued or running) and which of them were cancelled. */
    private final Object lock = new Object();
    private final Map<String, Integer> held = new HashMap<>();

    /** Jobs queued or measuring now: the load the agent reports in its status (protocol 1.5). */
    public int jobsHeld() {
        synchronized (lock) {
            return held.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
    private final Set<String> cancelled = new HashSet<>();
    private final MeterRegistry metrics;
    private final JobChecks checks;
    private final Availability availability;
    private final Thread worker;
    private volatile MeasurementJob current;
    private volatile boolean running = true;

    /** Checks threads against this machine's cores and allows every bit width; availability is not reported. */
    public JobService(String agentId, JobExecutor executor, Replies replies, int queueCapacity, MeterRegistry metrics,
                      LongSupplier wallClockMs) {
        this(agentId, executor, replies, queueCapacity, metrics, wallClockMs,
                JobChecks.anyBits(Runtime.getRuntime().availableProcessors()), Availability.ignored());
    }

    public JobService(String agentId, JobExecutor executor, Replies replies, int queueCapacity, MeterRegistry metrics,
                      LongSupplier wallClockMs, JobChecks checks, Availability availability) {
        this.agentId = agentId;
        this.executor = executor;
        this.replies = replies;
        this.metrics = metrics;
        this.wallClockMs = wallClockMs;
        this.checks = checks;
        this.availability = availability;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        metrics.gauge("sigmaquant.agent.queue.size", queue, BlockingQueue::size);
        this.worker = new Thread(this::work, "job-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /** Handles one message from the jobs topic; never throws. */
    public void onMessage(byte[] payload) {
        watchStuck();
        Message message;
        try {
            message = codec.decode(payload);
        } catch (ProtocolException e) {
            if (AckPayloads.isAck(payload)) { // a bad acknowledgement is not answered: the result is simply resent
                LOG.debug("ignoring an acknowledgement that fails the protocol's checks: {}", e.getMessage());
                return;
            }
            String code = e instanceof UnsupportedVersionException ? JobError.Codes.UNSUPPORTED_VERSION
                    : JobError.Codes.MALFORMED;
            fail(e.jobId(), 0, "malformed-" + UUID.randomUUID(), code, e.getMessage());
            return;
        }
        if (message instanceof MeasurementJob job) {
            accept(job);
        } else if (message instanceof CancelJob cancel) {
            cancel(cancel);
        } else if (message instanceof ResultRecorded ack) {
            replies.recorded(ack);
        } else {
            fail(null, 0, message.correlationId(), JobError.Codes.MALFORMED,
                    "agents take job, cancel and result-recorded messages, not '" + message.type() + "'");
        }
    }

    private void accept(MeasurementJob job) {
        synchronized (seen) {
            // (job id, attempt): a controller's retry of the same job is a new attempt and is measured
            if (!seen.add(job.jobId() + "#" + job.attempt())) {
                LOG.info("job {} attempt {} seen before; not measured again", job.jobId(), job.attempt());
                metrics.counter("sigmaquant.agent.jobs.duplicates").increment();
                return;
            }
        }
        if (job.deadlineMs() <= wallClockMs.getAsLong()) {
            fail(job, JobError.Codes.DEADLINE_EXCEEDED, "the job's deadline had passed when it arrived");
            return;
        }
        try {
            checks.check(job, wallClockMs.getAsLong());
            job = checks.withDefaults(job);
        } catch (JobFailure e) {
            fail(job, e.code(), e.getMessage());
            return;
        }
        int position;
        synchronized (lock) {
            position = queue.size();
            held.merge(job.jobId(), 1, Integer::sum);
            if (!queue.offer(job)) {
                release(job.jobId());
                availability.down("queue", "the job queue of " + queue.size() + " is full");
                fail(job, JobError.Codes.QUEUE_FULL, "the agent's queue of " + queue.size() + " jobs is full");
                return;
            }
        }
        replies.send(new JobAccepted(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(),
                job.attempt(), position));
    }

    private void work() {
        while (running) {
            MeasurementJob job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job != null) {
                if (queue.remainingCapacity() > 0) {
                    availability.up("queue");
                }
                current = job;
                try {
                    run(job);
                } finally {
                    current = null;
                    availability.up("stuck");
                }
            }
        }
    }

    private void run(MeasurementJob job) {
        if (isCancelled(job)) {
            answer(job, null, new JobFailure(JobError.Codes.CANCELLED, "cancelled before it started"));
            return;
        }
        Timer.Sample sample = Timer.start(metrics);
        JobResult result = null;
        JobFailure failure = null;
        try {
            result = executor.execute(job, phase -> progress(job, phase),
                    () -> isCancelled(job) || job.deadlineMs() <= wallClockMs.getAsLong());
            if (job.deadlineMs() <= wallClockMs.getAsLong()) {
                failure = new JobFailure(JobError.Codes.DEADLINE_EXCEEDED, "measured, but after the job's deadline");
            }
        } catch (JobFailure e) {
            failure = e;
        } catch (Measurer.CancelledException e) {
            failure = new JobFailure(JobError.Codes.DEADLINE_EXCEEDED, "the deadline passed while measuring");
        } catch (RuntimeException e) {
            LOG.warn("job {} failed", job.jobId(), e);
            failure = new JobFailure(JobError.Codes.MEASUREMENT_FAILED, e.toString());
        } finally {
            sample.stop(metrics.timer("sigmaquant.agent.measurement.duration"));
        }
        answer(job, result, failure);
    }

    private boolean isCancelled(MeasurementJob job) {
        synchronized (lock) {
            return cancelled.contains(job.jobId());
        }
    }

    /**
     * The one reply of a dequeued job, decided together with a cancel that may be arriving: a cancel received
     * before this point wins (the controller no longer wants the result), one after it finds the job answered.
     */
    private void answer(MeasurementJob job, JobResult result, JobFailure failure) {
        synchronized (lock) {
            release(job.jobId());
            if (cancelled.remove(job.jobId())) {
                fail(job, JobError.Codes.CANCELLED, "cancelled " + (result == null && failure == null
                        ? "before it started" : "while it was being measured"));
            } else if (failure != null) {
                fail(job, failure.code(), failure.getMessage());
            } else {
                replies.send(result);
                metrics.counter("sigmaquant.agent.jobs", "outcome", "result").increment();
            }
        }
    }

    private void cancel(CancelJob c) {
        synchronized (lock) {
            boolean answered = false;
            for (MeasurementJob j : List.copyOf(queue)) {
                if (j.jobId().equals(c.jobId()) && queue.remove(j)) {
                    release(j.jobId());
                    fail(j, JobError.Codes.CANCELLED, "cancelled while queued");
                    answered = true;
                }
            }
            if (answered) {
                availability.up("queue");
            } else if (held.containsKey(c.jobId())) {
                cancelled.add(c.jobId()); // running: answered when its measurement stops, within one poll
            } else {
                fail(c.jobId(), 0, c.correlationId(), JobError.Codes.UNKNOWN_JOB, "no queued or running job "
                        + c.jobId() + " to cancel (unknown, or already answered)");
            }
        }
    }

    private void release(String jobId) {
        held.computeIfPresent(jobId, (id, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * A job running past its deadline and the slack is stuck (the watchdog should have ended it): the agent
     * cannot take jobs until it ends. Checked as messages arrive; cleared when the job ends.
     */
    private void watchStuck() {
        MeasurementJob job = current;
        if (job != null && wallClockMs.getAsLong() > job.deadlineMs() + STUCK_AFTER_MS) {
            availability.down("stuck", "job " + job.jobId() + " is stuck past its deadline");
        }
    }

    private void progress(MeasurementJob job, String phase) {
        replies.send(new JobProgress(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(),
                job.attempt(), phase));
    }

    private void fail(MeasurementJob job, String code, String reason) {
        fail(job.jobId(), job.attempt(), job.correlationId(), code, reason);
    }

    private void fail(String jobId, int attempt, String correlationId, String code, String reason) {
        LOG.info("job {}: {} ({})", jobId, code, reason);
        metrics.counter("sigmaquant.agent.jobs", "outcome", code).increment();
        // a reason may quote the bad input (a huge type name): keep the reply well under the protocol's limit
        String shown = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        replies.send(new JobError(Messages.SCHEMA_VERSION, null, correlationId, agentId, jobId, attempt, code,
                shown.isBlank() ? code : shown));
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        if (executor instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing the executor failed", e);
            }
        }
    }
}
