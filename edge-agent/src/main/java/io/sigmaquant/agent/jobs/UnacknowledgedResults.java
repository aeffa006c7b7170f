package io.sigmaquant.agent.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every result sent until a controller says it has recorded it ({@code result-recorded}, protocol 1.4), and
 * publishes it again meanwhile: the broker's PUBACK only says the broker has it, and Mosquitto drops a QoS 1
 * message in flight to a shared-subscription member (a controller replica) that dies. Results are resent every
 * {@link Policy#resendMs} while connected ({@link #resendDue}, called by a scheduler) and all at once after a
 * reconnect ({@link #resendAll}); one is given up {@link Policy#giveUpMs} after it was first sent, and at most
 * {@link Policy#capacity} are kept (the oldest is dropped). Other replies pass through untouched. Thread-safe: the
 * job worker sends, Paho's thread acknowledges and reconnects, a scheduler resends.
 */
public final class UnacknowledgedResults implements Replies {
    private static final Logger LOG = LoggerFactory.getLogger(UnacknowledgedResults.class);

    /**
     * @param resendMs how long after a publish an unacknowledged result is published again
     * @param giveUpMs how long after its first publish a result is no longer resent
     * @param capacity how many unacknowledged results are kept at most
     */
    public record Policy(long resendMs, long giveUpMs, int capacity) {
        public Policy {
            if (resendMs < 1 || giveUpMs < 1 || capacity < 1) {
                throw new IllegalArgumentException("the resend interval, give-up time and capacity must be positive: "
                        + resendMs + " ms, " + giveUpMs + " ms, " + capacity);
            }
        }
    }

    /** One result waiting for its acknowledgement. */
    private static final class Pending {
        final JobResult result;
        final long firstSentMs;
        long lastSentMs;

        Pending(JobResult result, long sentMs) {
            this.result = result;
            this.firstSentMs = sentMs;
            this.lastSentMs = sentMs;
        }
    }

    private final Replies out;
    private final Policy policy;
    private final LongSupplier clockMs;
    private final BooleanSupplier connected;
    /** By (jobId, attempt), oldest first. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Counter resent;
    private final Counter givenUpByAge;
    private final Counter givenUpByCapacity;

    /**
     * @param out       where replies go (the MQTT session)
     * @param clockMs   the wall clock, in milliseconds
     * @param connected whether the session is up: nothing is resent while it is down (the reconnect resends all)
     */
    public UnacknowledgedResults(Replies out, Policy policy, LongSupplier clockMs, BooleanSupplier connected,
                                 MeterRegistry metrics) {
        this.out = out;
        this.policy = policy;
        this.clockMs = clockMs;
        this.connected = connected;
        this.resent = metrics.counter("sigmaquant.agent.results.resent");
        this.givenUpByAge = metrics.counter("sigmaquant.agent.results.given.up", "reason", "age");
        this.givenUpByCapacity = metrics.counter("sigmaquant.agent.results.given.up", "reason", "capacity");
        metrics.gauge("sigmaquant.agent.results.unacknowledged", this, UnacknowledgedResults::size);
    }

    @Override
    public void send(Message reply) {
        if (reply instanceof JobResult result) {
            keep(result);
        }
        out.send(reply);
    }

    private synchronized void keep(JobResult result) {
        pending.putIfAbsent(key(result.jobId(), result.attempt()), new Pending(result, clockMs.getAsLong()));
        if (pending.size() > policy.capacity()) {
            Iterator<Pending> oldest = pending.values().iterator();
            Pending dropped = oldest.next();
            oldest.remove();
            givenUpByCapacity.increment();
            LOG.warn("{} results await a controller's acknowledgement; no longer resending the oldest, job {} "
                    + "attempt {}", policy.capacity(), dropped.result.jobId(), dropped.result.attempt());
        }
    }

    /** Forgets the acknowledged result; an acknowledgement of one not held (again, or never sent) changes nothing. */
    @Override
    public synchronized void recorded(ResultRecorded ack) {
        if (pending.remove(key(ack.jobId(), ack.attempt())) == null) {
            LOG.debug("acknowledgement of job {} attempt {}, which is not awaiting one", ack.jobId(), ack.attempt());
        }
    }

    /** Gives up the results too old, then, while connected, resends those sent at least one interval ago. */
    public synchronized void resendDue() {
        long now = clockMs.getAsLong();
        boolean up = connected.getAsBoolean();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.firstSentMs >= policy.giveUpMs()) {
                it.remove();
                givenUpByAge.increment();
                LOG.warn("no controller acknowledged the result of job {} attempt {} within {} s; no longer resending "
                        + "it", p.result.jobId(), p.result.attempt(), policy.giveUpMs() / 1000);
            } else if (up && now - p.lastSentMs >= policy.resendMs()) {
                resend(p, now);
            }
        }
    }

    /** Resends every result still unacknowledged: called when the session is back after a connection loss. */
    public synchronized void resendAll() {
        long now = clockMs.getAsLong();
        pending.values().forEach(p -> resend(p, now));
    }

    private void resend(Pending p, long now) {
        p.lastSentMs = now;
        resent.increment();
        out.send(p.result);
    }

    /** How many results await an acknowledgement. */
    public synchronized int size() {
        return pending.size();
    }

    private static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }
}
