package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends measurement jobs to agents of a device class over MQTT and waits for their results. Each attempt holds
 * a lease; when it runs out, or the agent answers with an error, the job is sent again — a new attempt — to
 * another online agent of the class, up to a maximum. Replies are taken once per (job id, attempt): a late
 * result of an abandoned attempt is handed to the late-result sink and never counted twice.
 */
public final class JobDispatcher implements Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);
    /** How often an attempt looks again for an online agent of its class. */
    private static final long AGENT_POLL_MS = 200;

    /** Publishes a job to one agent. */
    public interface Publisher {
        void publish(String agentId, MeasurementJob job) throws Exception;
    }

    private final FleetRegistry registry;
    private final Publisher publisher;
    private final Map<String, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    /** Attempts given up, by key, so that a late result can be recorded with the job it answers. */
    private final Map<String, MeasurementJob> abandoned = new ConcurrentHashMap<>();
    private final Set<String> ingested = ConcurrentHashMap.newKeySet();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicInteger lateResults = new AtomicInteger();
    private volatile BiConsumer<MeasurementJob, JobResult> lateResultSink = (j, r) -> { };
    private volatile Consumer<JobResult> unknownResultSink = r -> { };
    private final DispatchListener listener;

    public JobDispatcher(FleetRegistry registry, Publisher publisher, DispatchListener listener) {
        this.registry = registry;
        this.publisher = publisher;
        this.listener = listener;
    }

    /** Takes a reply from the results subscription (any thread). */
    public void onReply(Message m) {
        String key;
        if (m instanceof JobResult r) {
            key = key(r.jobId(), r.attempt());
        } else if (m instanceof JobError e && e.jobId() != null) {
            key = key(e.jobId(), e.attempt());
        } else {
            return; // accepted / progress: the lease is long enough for a whole measurement
        }
        if (!ingested.add(key)) {
            return; // the same reply again (QoS 1 may redeliver)
        }
        CompletableFuture<Message> f = pending.remove(key);
        if (f == null) {
            MeasurementJob job = abandoned.remove(key);
            if (m instanceof JobResult r && job != null) {
                lateResults.incrementAndGet();
                listener.lateResult();
                LOG.info("late result for {}: that attempt was already given up; recorded, not used", key);
                lateResultSink.accept(job, r); // nothing measured is lost; the store keeps it once by (job, attempt)
            } else if (m instanceof JobResult r) {
                // sent before a restart, or by a replica: kept, though no loop here waits for it
                LOG.info("result for {}, a job this controller is not waiting for: recorded, not used", key);
                unknownResultSink.accept(r);
            }
        } else {
            f.complete(m);
        }
    }

    @Override
    public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) throws InterruptedException {
        Duration lease = policy.lease();
        Set<String> failedOn = new HashSet<>();
        StringBuilder reasons = new StringBuilder();
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            String agent = pickAgent(deviceClass, failedOn, policy.waitForAgent());
            MeasurementJob a = withAttempt(job, attempt, lease);
            CompletableFuture<Message> reply = new CompletableFuture<>();
            String key = key(a.jobId(), attempt);
            pending.put(key, reply);
            boolean done = false;
            long start = System.nanoTime();
            try {
                publisher.publish(agent, a);
                listener.dispatched(agent);
                Message m = reply.get(lease.toMillis(), TimeUnit.MILLISECONDS);
                done = true;
                if (m instanceof JobResult r) {
                    listener.succeeded(System.nanoTime() - start);
                    return new Measured(r, agent);
                }
                JobError e = (JobError) m;
                listener.attemptFailed(AttemptFailure.ERROR);
                reasons.append(String.format("attempt %d on %s: %s (%s); ", attempt, agent, e.code(), e.reason()));
            } catch (TimeoutException e) {
                listener.attemptFailed(AttemptFailure.TIMEOUT);
                reasons.append(String.format("attempt %d on %s: no result within %d s; ", attempt, agent,
                        lease.toSeconds()));
            } catch (InterruptedException e) {
                throw e;
            } catch (ExecutionException | RuntimeException e) {
                listener.attemptFailed(AttemptFailure.ERROR);
                reasons.append(String.format("attempt %d on %s: %s; ", attempt, agent, e.getMessage()));
            } catch (Exception e) {
                listener.attemptFailed(AttemptFailure.PUBLISH);
                reasons.append(String.format("attempt %d on %s: publishing failed: %s; ", attempt, agent, e.getMessage()));
            } finally {
                if (pending.remove(key) != null && !done) {
                    abandoned.put(key, a); // it may still answer
                }
            }
            failedOn.add(agent);
        }
        listener.jobFailed();
        throw new JobFailedException("job " + job.jobId() + " failed: " + reasons);
    }

    /** Where results of abandoned attempts go (the store), so that nothing measured is lost. */
    public void onLateResult(BiConsumer<MeasurementJob, JobResult> sink) {
        this.lateResultSink = sink;
    }

    /** Where results of jobs this controller did not send (or sent before a restart) go. */
    public void onUnknownResult(Consumer<JobResult> sink) {
        this.unknownResultSink = sink;
    }

    public int lateResults() {
        return lateResults.get();
    }

    private String pickAgent(String deviceClass, Set<String> avoid, Duration wait) throws InterruptedException {
        long until = System.currentTimeMillis() + wait.toMillis();
        while (true) {
            List<FleetRegistry.Agent> online = registry.online(deviceClass);
            List<FleetRegistry.Agent> fresh = online.stream().filter(a -> !avoid.contains(a.id())).toList();
            List<FleetRegistry.Agent> choice = fresh.isEmpty() ? online : fresh;
            if (!choice.isEmpty()) {
                return choice.get(Math.floorMod(roundRobin.getAndIncrement(), choice.size())).id();
            }
            if (System.currentTimeMillis() > until) {
                throw new JobFailedException("no online agent of device class " + deviceClass + " within "
                        + wait.toSeconds() + " s");
            }
            Thread.sleep(AGENT_POLL_MS);
        }
    }

    /** The same job, every field kept (the reference too), with another attempt number and deadline. */
    static MeasurementJob withAttempt(MeasurementJob j, int attempt, Duration lease) {
        return new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), attempt, j.model(), j.input(),
                j.settings(), System.currentTimeMillis() + lease.toMillis(), j.workload(), j.reference(),
                j.referenceWorkload());
    }

    private static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }
}
