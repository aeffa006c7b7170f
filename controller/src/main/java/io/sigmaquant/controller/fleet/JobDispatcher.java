package io.sigmaquant.controller.fleet;

import io.sigmaquant.controller.limits.TokenBuckets;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends measurement jobs to agents of a device class over MQTT and waits for their results. Each attempt holds
 * a lease; when it runs out, or the agent answers with an error, the job is sent again — a new attempt — to
 * another online agent of the class, up to a maximum. Every trusted result goes to the result sink (the store)
 * as it arrives, and is taken once per (job id, attempt): a late result of an abandoned attempt is kept, never
 * counted twice.
 *
 * <p>Replicas: the results subscription is shared, so a reply may reach another replica than the one that sent
 * the attempt. That one checks it against the {@link DispatchLog}, keeps a result and relays an error; the replica
 * waiting for it finds either through the {@link ReplyRelay} ({@link #onRelayed}).
 *
 * <p>It reacts to the fleet: when the {@link FleetRegistry} stops offering an agent jobs (its Last Will, an
 * {@code offline} or {@code unavailable} status, or a heartbeat that stopped), every attempt in flight to it fails
 * at once and the job goes to another agent; the lease remains for agents that go silent without the registry
 * noticing. Each failed attempt's reason ({@link AttemptFailure#reason}) is recorded in the {@link DispatchLog}.
 *
 * <p>It trusts nothing it did not send: a reply counts only when it comes from the agent its attempt was sent
 * to (the topic's agent, which the payload must name too), for a (job id, attempt) issued — in flight here, given
 * up, or issued by another replica or before a restart as the {@link DispatchLog} remembers (kept in
 * {@link IssuedAttempts}; the log is read for an unknown job within a budget per agent). Anything else goes to
 * {@link UntrustedMessages}.
 */
public final class JobDispatcher implements Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /** Publishes a job to one agent. */
    public interface Publisher {
        void publish(String agentId, MeasurementJob job) throws Exception;
    }

    /** Publishes a cancel to the agent an attempt was sent to. */
    public interface CancelPublisher {
        void cancel(String agentId, CancelJob cancel) throws Exception;
    }

    static final int LOOKUPS_PER_SECOND = 20;
    static final int LOOKUP_BURST = 200;

    /** {@link Sent#publishedAt} before the job is published, and after its acceptance was timed. */
    private static final long UNTIMED = Long.MIN_VALUE;

    /**
     * An attempt out in the fleet: the job as sent, the agent it went to, and when it was handed to MQTT (until
     * the agent's acceptance is timed).
     */
    private record Sent(MeasurementJob job, String agentId, CompletableFuture<Arrived> reply, AtomicLong publishedAt) {
        Sent(MeasurementJob job, String agentId) {
            this(job, agentId, new CompletableFuture<>(), new AtomicLong(UNTIMED));
        }
    }

    /** A final reply and when it arrived ({@link #nanoTime}). */
    private record Arrived(Message message, long atNanos) {
    }

    private final OnlineAgents agents;
    private final FleetRegistry registry;
    private final Publisher publisher;
    private final CancelPublisher cancels;
    /** Runs (correlation ids) cancelled: none of their jobs is sent again. */
    private final Set<String> cancelledRuns = ConcurrentHashMap.newKeySet();
    private final DispatchLog log;
    private final IssuedAttempts issued;
    private final UntrustedMessages untrusted;
    private final Map<String, Sent> pending = new ConcurrentHashMap<>();
    /** Attempts given up, by key, so that a late result can be recorded with the job it answers. */
    private final Map<String, Sent> abandoned = new ConcurrentHashMap<>();
    private final Set<String> ingested = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lateResults = new AtomicInteger();
    private volatile BiConsumer<DispatchLog.IssuedAttempt, JobResult> resultSink = (a, r) -> { };
    private volatile Acknowledger acknowledger = (agent, r) -> { };
    private final ReplyRelay relay;
    /** Store look-ups for replies of attempts not known here, per agent: 20 a second after a burst of 200. */
    private final TokenBuckets lookups;
    private final DispatchListener listener;
    private final DispatchWaits waits = new DispatchWaits();
    /** The monotonic clock the listener's durations are read on. */
    private final LongSupplier nanoTime;

    public JobDispatcher(FleetRegistry registry, Publisher publisher, CancelPublisher cancels,
                         DispatchListener listener, DispatchLog log) {
        this(registry, publisher, cancels, listener, log, ReplyRelay.NONE, System::nanoTime);
    }

    /** @param relay where error replies for other replicas' attempts go (results go to the result sink) */
    public JobDispatcher(FleetRegistry registry, Publisher publisher, CancelPublisher cancels,
                         DispatchListener listener, DispatchLog log, ReplyRelay relay) {
        this(registry, publisher, cancels, listener, log, relay, System::nanoTime);
    }

    /** With another monotonic clock (tests time the stages on a clock they move). */
    JobDispatcher(FleetRegistry registry, Publisher publisher, CancelPublisher cancels, DispatchListener listener,
                  DispatchLog log, ReplyRelay relay, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.relay = relay;
        this.lookups = new TokenBuckets(LOOKUPS_PER_SECOND * 60, LOOKUP_BURST, nanoTime);
        this.agents = new OnlineAgents(registry);
        this.registry = registry;
        registry.addListener(this::agentLost);
        this.publisher = publisher;
        this.cancels = cancels;
        this.listener = listener;
        this.log = log;
        this.issued = new IssuedAttempts(log);
        this.untrusted = new UntrustedMessages(listener);
    }

    /** Where messages refused here are counted; the inbox reports its refusals there too. */
    public UntrustedMessages untrusted() {
        return untrusted;
    }

    /**
     * Takes a reply from the results subscription (any thread). A result is handed to the result sink (the store)
     * before anything else, so that it is kept before the broker is acknowledged — whoever waits for it: this
     * controller, or another replica, which finds it there.
     *
     * @param fromAgent the agent whose results topic the reply was published on
     */
    public void onReply(String fromAgent, Message m) {
        long arrived = nanoTime.getAsLong();
        Reply reply = Reply.of(m);
        if (reply == null) {
            return; // an error too broken to name its job: nothing to match it with
        }
        if (!fromAgent.equals(reply.agentId())) {
            untrusted.refuse(Untrusted.SPOOFED_AGENT_ID, fromAgent, "a '" + m.type() + "' naming agent "
                    + reply.agentId());
            return;
        }
        String key = key(reply.jobId(), reply.attempt());
        Sent sent = pending.get(key);
        Sent given = sent != null ? null : abandoned.get(key);
        Sent here = sent != null ? sent : given;
        String sentTo = here != null ? here.agentId() : issuedElsewhere(fromAgent, reply);
        if (sentTo == null) {
            return;
        }
        if (!sentTo.equals(fromAgent)) {
            untrusted.refuse(Untrusted.FOREIGN_AGENT, fromAgent, "a '" + m.type() + "' for " + key + ", sent to "
                    + sentTo);
            return;
        }
        if (m instanceof JobAccepted && sent != null) {
            long published = sent.publishedAt().getAndSet(UNTIMED); // timed once: QoS 1 may redeliver
            if (published != UNTIMED) {
                listener.accepted(arrived - published);
            }
        }
        if (m instanceof JobAccepted || m instanceof JobProgress) {
            return; // neither counts as an answer: the lease is long enough for a whole measurement
        }
        if (!ingested.add(key)) {
            if (m instanceof JobResult r) {
                acknowledger.recorded(fromAgent, r); // kept before; the agent sends it again when an ack was lost
            }
            return; // the same reply again (QoS 1 redelivery, or the agent's resend)
        }
        if (m instanceof JobResult r) {
            try {
                if (keep(here, r)) {
                    acknowledger.recorded(fromAgent, r);
                }
            } catch (RuntimeException e) {
                ingested.remove(key); // not kept: no acknowledgement goes out, and the agent's resend is taken
                throw e;
            }
        }
        Sent waiting = pending.remove(key); // looked up again: the attempt may have been given up meanwhile
        if (waiting != null) {
            waiting.reply().complete(new Arrived(m, arrived));
        } else if (abandoned.remove(key) != null) {
            if (m instanceof JobResult) {
                lateResults.incrementAndGet();
                listener.lateResult();
                LOG.info("late result for {}: that attempt was already given up; recorded, not used", key);
            }
        } else if (m instanceof JobError e) {
            relay.relayError(e); // for the replica that sent it, if it still waits
        }
    }

    /**
     * Hands a trusted result to the sink with the run and bits it was issued for, not those it claims; false when the
     * log no longer has its attempt.
     */
    private boolean keep(Sent here, JobResult r) {
        if (here != null) {
            resultSink.accept(new DispatchLog.IssuedAttempt(r.jobId(), r.attempt(), here.agentId(),
                    here.job().correlationId(), Workloads.bits(here.job())), r);
            return true;
        }
        // issued by another replica, or here before a restart: the log is read for its run and bits, once per
        // genuine result from the agent it was sent to
        Optional<DispatchLog.IssuedAttempt> attempt = log.attempts(r.jobId()).stream()
                .filter(a -> a.attempt() == r.attempt()).findFirst();
        attempt.ifPresent(a -> resultSink.accept(a, r));
        return attempt.isPresent();
    }

    /**
     * The agent an attempt not in flight here was sent to: issued by another replica, or here before a restart. The
     * issued attempts in memory are asked first, then the log, within the agent's budget of look-ups; null after
     * refusing the reply.
     */
    private String issuedElsewhere(String fromAgent, Reply reply) {
        String agent = issued.sentTo(reply.jobId(), reply.attempt());
        if (agent == null) {
            if (lookups.take(fromAgent) != 0) {
                untrusted.refuse(Untrusted.LOOKUPS_EXCEEDED, fromAgent, "a reply for "
                        + key(reply.jobId(), reply.attempt()));
                return null;
            }
            agent = issued.lookUp(reply.jobId(), reply.attempt());
        }
        if (agent == null) {
            untrusted.refuse(issued.known(reply.jobId()) ? Untrusted.WRONG_ATTEMPT : Untrusted.UNKNOWN_JOB, fromAgent,
                    "a reply for " + key(reply.jobId(), reply.attempt()));
        }
        return agent;
    }

    /**
     * Takes a final reply another replica received for one of the attempts waiting here, found through the
     * {@link ReplyRelay}; anything else — not waiting here, answered already — is ignored.
     */
    public void onRelayed(Message m) {
        Reply reply = Reply.of(m);
        if (reply == null || !(m instanceof JobResult || m instanceof JobError)) {
            return;
        }
        String key = key(reply.jobId(), reply.attempt());
        Sent waiting = pending.get(key);
        if (waiting == null || !waiting.agentId().equals(reply.agentId()) || !ingested.add(key)) {
            return;
        }
        if (pending.remove(key, waiting)) {
            waiting.reply().complete(new Arrived(m, nanoTime.getAsLong()));
        }
    }

    /**
     * Fails every attempt waiting for {@code agentId} at once: its thread records the reason and sends the job to
     * another agent. A reply the agent still sends is kept as a late one.
     */
    private void agentLost(String agentId, AgentLoss why) {
        for (Sent sent : pending.values()) {
            if (sent.agentId().equals(agentId) && sent.reply().completeExceptionally(new AgentLostException(why))) {
                LOG.info("agent {} holding job {} (attempt {}) is {}: sending it again", agentId,
                        sent.job().jobId(), sent.job().attempt(), why.reason());
            }
        }
    }

    /** An attempt's agent was lost; {@link #why} is recorded. */
    private static final class AgentLostException extends Exception {
        private final AgentLoss why;

        AgentLostException(AgentLoss why) {
            super(why.reason(), null, false, false);
            this.why = why;
        }
    }

    /** Where each attempt's waits for an agent and for its result are reported from now on (the CLI's terminal). */
    public void reportWaitsTo(ProgressReporter reporter) {
        waits.reportTo(reporter);
    }

    /** The job ids of the attempts waiting for a reply here: what to ask the {@link ReplyRelay} about. */
    public Set<String> waitingJobIds() {
        Set<String> ids = new HashSet<>();
        pending.values().forEach(sent -> ids.add(sent.job().jobId()));
        return ids;
    }

    @Override
    public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) throws InterruptedException {
        Duration lease = policy.lease();
        Set<String> failedOn = new HashSet<>();
        StringBuilder reasons = new StringBuilder();
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            long queued = nanoTime.getAsLong();
            String agent;
            try (Progress waiting = waits.forAgent(deviceClass, job, attempt, policy.maxAttempts())) {
                agent = agents.pick(deviceClass, job.correlationId(), failedOn, policy.waitForAgent());
                waiting.advance(1);
            } finally {
                listener.waitedForAgent(nanoTime.getAsLong() - queued); // a wait that found none counts too
            }
            long start = nanoTime.getAsLong();
            MeasurementJob a = withAttempt(job, attempt, lease);
            Sent sent = new Sent(a, agent);
            String key = key(a.jobId(), attempt);
            boolean done = false;
            String failure = null;
            try {
                log.issued(new DispatchLog.IssuedAttempt(a.jobId(), attempt, agent, a.correlationId(),
                        Workloads.bits(a)));
                issued.issued(a.jobId(), attempt, agent);
                pending.put(key, sent);
                AgentLoss lostMeanwhile = registry.lossOf(agent); // lost after it was picked, before it was pending
                if (lostMeanwhile != null) {
                    sent.reply().completeExceptionally(new AgentLostException(lostMeanwhile));
                }
                if (cancelledRuns.contains(a.correlationId())) {
                    throw new InterruptedException("run " + a.correlationId() + " was cancelled"); // before it is sent
                }
                sent.publishedAt().set(nanoTime.getAsLong());
                publisher.publish(agent, a);
                listener.dispatched(agent);
                Arrived reply;
                try (Progress waiting = waits.forResult(agent, a, attempt, policy.maxAttempts())) {
                    reply = sent.reply().get(lease.toMillis(), TimeUnit.MILLISECONDS);
                    waiting.advance(1);
                }
                Message m = reply.message();
                done = true;
                if (m instanceof JobResult r) {
                    long now = nanoTime.getAsLong();
                    listener.resultHandled(now - reply.atNanos());
                    listener.succeeded(now - start);
                    return new Measured(r, agent, reply.atNanos());
                }
                JobError e = (JobError) m;
                failure = AttemptFailure.ERROR.reason(e.code());
                listener.attemptFailed(AttemptFailure.ERROR);
                reasons.append(String.format("attempt %d on %s: %s (%s); ", attempt, agent, e.code(), e.reason()));
            } catch (TimeoutException e) {
                failure = AttemptFailure.TIMEOUT.reason(null);
                listener.attemptFailed(AttemptFailure.TIMEOUT);
                reasons.append(String.format("attempt %d on %s: no result within %d s; ", attempt, agent,
                        lease.toSeconds()));
            } catch (InterruptedException e) {
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AgentLostException lost) {
                    failure = lost.why.reason();
                    listener.attemptFailed(AttemptFailure.AGENT_LOST);
                    reasons.append(String.format("attempt %d on %s: %s; ", attempt, agent, lost.why.reason()));
                } else {
                    failure = AttemptFailure.ERROR.reason(null);
                    listener.attemptFailed(AttemptFailure.ERROR);
                    reasons.append(String.format("attempt %d on %s: %s; ", attempt, agent, e.getMessage()));
                }
            } catch (RuntimeException e) {
                failure = AttemptFailure.ERROR.reason(null);
                listener.attemptFailed(AttemptFailure.ERROR);
                reasons.append(String.format("attempt %d on %s: %s; ", attempt, agent, e.getMessage()));
            } catch (Exception e) {
                failure = AttemptFailure.PUBLISH.reason(null);
                listener.attemptFailed(AttemptFailure.PUBLISH);
                reasons.append(String.format("attempt %d on %s: publishing failed: %s; ", attempt, agent, e.getMessage()));
            } finally {
                agents.release(agent);
                if (pending.remove(key, sent) && !done) {
                    abandoned.put(key, sent); // it may still answer
                }
            }
            recordFailure(a.jobId(), attempt, failure);
            failedOn.add(agent);
        }
        listener.jobFailed();
        throw new JobFailedException("job " + job.jobId() + " failed: " + reasons);
    }

    /** Keeps why an attempt failed; the store failing here must not stop the retry. */
    private void recordFailure(String jobId, int attempt, String reason) {
        if (reason == null) {
            return;
        }
        try {
            log.failed(jobId, attempt, reason);
        } catch (RuntimeException e) {
            LOG.warn("cannot record why attempt {} of job {} failed ({}): {}", attempt, jobId, reason, e.toString());
        }
    }

    /** Attempts in flight from here to an agent (its load as this dispatcher sees it). */
    public int load(String agentId) {
        return agents.load(agentId);
    }

    /**
     * Stops a run's jobs: none is sent again, and each attempt of the run still out (waiting, or given up and maybe
     * still measuring) is sent a cancel; the agent answers each. The run's own thread is interrupted by its owner.
     * A job the run was about to send is not sent: the flag is set before the attempts are looked at, and
     * {@link #measure} looks at the flag after its attempt is in flight, so one of the two sees the other.
     *
     * @return the number of cancels published
     */
    public int cancelRun(String correlationId) {
        cancelledRuns.add(correlationId);
        Set<Sent> out = new HashSet<>(pending.values()); // an attempt moving to abandoned meanwhile is in one of them
        out.addAll(abandoned.values());
        out.removeIf(sent -> !sent.job().correlationId().equals(correlationId));
        int published = 0;
        for (Sent sent : out) {
            try {
                cancels.cancel(sent.agentId(), new CancelJob(Messages.SCHEMA_VERSION, null, correlationId,
                        sent.job().jobId()));
                published++;
            } catch (Exception e) {
                LOG.warn("cannot send a cancel for job {} to {}: {}", sent.job().jobId(), sent.agentId(), e.toString());
            }
        }
        return published;
    }

    /** Tells an agent that its result is kept, so that it stops sending it again (protocol 1.4). */
    public interface Acknowledger {
        /** Must not block: called on the MQTT thread. */
        void recorded(String agentId, JobResult result);
    }

    /** Acknowledges each result once it is kept (the service's MQTT session); by default no one is told. */
    public void acknowledgeWith(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    /**
     * Where every trusted result goes as it arrives (the store), with the attempt it answers — in flight here,
     * given up, issued by another replica or before a restart — so that nothing measured is lost. Called on the
     * MQTT thread before the message is acknowledged to the broker.
     */
    public void onResult(BiConsumer<DispatchLog.IssuedAttempt, JobResult> sink) {
        this.resultSink = sink;
    }

    public int lateResults() {
        return lateResults.get();
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
