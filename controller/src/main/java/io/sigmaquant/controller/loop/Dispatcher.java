package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.fleet.FleetRegistry;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends measurement jobs to agents of a device class and waits for their results. Each attempt holds a lease;
 * when it runs out, or the agent answers with an error, the job is sent again — a new attempt — to another
 * online agent of the class, up to a maximum. Replies are taken once per (job id, attempt): a late result of
 * an abandoned attempt is noted and never counted twice.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Publishes a job to one agent. */
    public interface Publisher {
        void publish(String agentId, MeasurementJob job) throws Exception;
    }

    /** A result and the agent that produced it. */
    public record Measured(JobResult result, String agentId) {
    }

    private final FleetRegistry registry;
    private final Publisher publisher;
    private final Map<String, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    private final Set<String> ingested = ConcurrentHashMap.newKeySet();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicInteger lateResults = new AtomicInteger();
    private volatile java.util.function.Consumer<JobResult> lateResultSink = r -> { };

    public Dispatcher(FleetRegistry registry, Publisher publisher) {
        this.registry = registry;
        this.publisher = publisher;
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
            lateResults.incrementAndGet();
            LOG.info("late reply for {}: that attempt was already given up; recorded, not used", key);
            if (m instanceof JobResult r) {
                lateResultSink.accept(r); // nothing measured is lost; the store keeps it once by (job, attempt)
            }
        } else {
            f.complete(m);
        }
    }

    /**
     * @param job       the first attempt; later attempts copy it with another attempt number
     * @param lease     how long one attempt may take
     * @param waitAgent how long to wait for an online agent of the class
     */
    public Measured measure(String deviceClass, MeasurementJob job, Duration lease, int maxAttempts, Duration waitAgent)
            throws InterruptedException {
        Set<String> failedOn = new HashSet<>();
        StringBuilder reasons = new StringBuilder();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            String agent = pickAgent(deviceClass, failedOn, waitAgent);
            MeasurementJob a = withAttempt(job, attempt, lease);
            CompletableFuture<Message> reply = new CompletableFuture<>();
            pending.put(key(a.jobId(), attempt), reply);
            try {
                publisher.publish(agent, a);
                Message m = reply.get(lease.toMillis(), TimeUnit.MILLISECONDS);
                if (m instanceof JobResult r) {
                    return new Measured(r, agent);
                }
                JobError e = (JobError) m;
                reasons.append(String.format("attempt %d on %s: %s (%s); ", attempt, agent, e.code(), e.reason()));
            } catch (TimeoutException e) {
                reasons.append(String.format("attempt %d on %s: no result within %d s; ", attempt, agent,
                        lease.toSeconds()));
            } catch (ExecutionException | RuntimeException e) {
                reasons.append(String.format("attempt %d on %s: %s; ", attempt, agent, e.getMessage()));
            } catch (Exception e) {
                reasons.append(String.format("attempt %d on %s: publishing failed: %s; ", attempt, agent, e.getMessage()));
            } finally {
                pending.remove(key(a.jobId(), attempt));
            }
            failedOn.add(agent);
        }
        throw new JobFailedException("job " + job.jobId() + " failed: " + reasons);
    }

    /** Where results of abandoned attempts go (the store), so that nothing measured is lost. */
    public void onLateResult(java.util.function.Consumer<JobResult> sink) {
        this.lateResultSink = sink;
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
            Thread.sleep(200);
        }
    }

    private static MeasurementJob withAttempt(MeasurementJob j, int attempt, Duration lease) {
        return new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), attempt, j.model(), j.input(),
                j.settings(), System.currentTimeMillis() + lease.toMillis(), j.workload());
    }

    private static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }
}
