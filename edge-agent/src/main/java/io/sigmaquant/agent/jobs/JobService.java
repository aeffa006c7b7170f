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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes job messages, answers each once, and measures one job at a time from a bounded queue. Every failure
 * becomes an error reply with a code and a reason; a (job id, attempt) seen before is not measured again.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** How many job ids are remembered for de-duplication. */
    static final int SEEN_IDS = 10_000;

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
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final MeterRegistry metrics;
    private final Thread worker;
    private volatile boolean running = true;

    public JobService(String agentId, JobExecutor executor, Replies replies, int queueCapacity, MeterRegistry metrics,
                      LongSupplier wallClockMs) {
        this.agentId = agentId;
        this.executor = executor;
        this.replies = replies;
        this.metrics = metrics;
        this.wallClockMs = wallClockMs;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        metrics.gauge("sigmaquant.agent.queue.size", queue, BlockingQueue::size);
        this.worker = new Thread(this::work, "job-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /** Handles one message from the jobs topic; never throws. */
    public void onMessage(byte[] payload) {
        Message message;
        try {
            message = codec.decode(payload);
        } catch (ProtocolException e) {
            String code = e instanceof UnsupportedVersionException ? JobError.Codes.UNSUPPORTED_VERSION
                    : JobError.Codes.MALFORMED;
            fail(e.jobId(), 0, "malformed-" + UUID.randomUUID(), code, e.getMessage());
            return;
        }
        if (message instanceof MeasurementJob job) {
            accept(job);
        } else if (message instanceof CancelJob cancel) {
            cancelled.add(cancel.jobId());
        } else {
            fail(null, 0, message.correlationId(), JobError.Codes.MALFORMED,
                    "agents take job and cancel messages, not '" + message.type() + "'");
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
        int position = queue.size();
        if (!queue.offer(job)) {
            fail(job, JobError.Codes.QUEUE_FULL, "the agent's queue of " + queue.size() + " jobs is full");
            return;
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
                run(job);
            }
        }
    }

    private void run(MeasurementJob job) {
        if (cancelled.remove(job.jobId())) {
            fail(job, JobError.Codes.CANCELLED, "cancelled before it started");
            return;
        }
        Timer.Sample sample = Timer.start(metrics);
        try {
            JobResult result = executor.execute(job, phase -> progress(job, phase),
                    () -> cancelled.contains(job.jobId()) || job.deadlineMs() <= wallClockMs.getAsLong());
            if (job.deadlineMs() <= wallClockMs.getAsLong()) {
                fail(job, JobError.Codes.DEADLINE_EXCEEDED, "measured, but after the job's deadline");
                return;
            }
            replies.send(result);
            metrics.counter("sigmaquant.agent.jobs", "outcome", "result").increment();
        } catch (JobFailure e) {
            fail(job, e.code(), e.getMessage());
        } catch (Measurer.CancelledException e) {
            boolean byRequest = cancelled.remove(job.jobId());
            fail(job, byRequest ? JobError.Codes.CANCELLED : JobError.Codes.DEADLINE_EXCEEDED,
                    byRequest ? "cancelled while measuring" : "the deadline passed while measuring");
        } catch (RuntimeException e) {
            LOG.warn("job {} failed", job.jobId(), e);
            fail(job, JobError.Codes.MEASUREMENT_FAILED, e.toString());
        } finally {
            sample.stop(metrics.timer("sigmaquant.agent.measurement.duration"));
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
        replies.send(new JobError(Messages.SCHEMA_VERSION, null, correlationId, agentId, jobId, attempt, code,
                reason.isBlank() ? code : reason));
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
