package io.sigmaquant.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sigmaquant.agent.testing.ReplyLog;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Verifies when a result no controller has acknowledged is published again, on a clock the test moves. */
class UnacknowledgedResultsTest {
    private static final long RESEND_MS = 10_000;
    private static final long GIVE_UP_MS = 60_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private final ReplyLog published = new ReplyLog();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private UnacknowledgedResults results(int capacity) {
        return new UnacknowledgedResults(published, new UnacknowledgedResults.Policy(RESEND_MS, GIVE_UP_MS, capacity),
                now::get, connected::get, metrics);
    }

    private static JobResult result(String jobId, int attempt) {
        return new JobResult(Messages.SCHEMA_VERSION, null, "run-1", "agent-1", jobId, attempt, "a".repeat(64), true,
                new JobResult.Latency(5, 1, 1, 1, 1, 0, 5), List.of(),
                new JobResult.Energy("estimate", true, 1, 1, 0, null), 0, null, null, "1.23.2", 1);
    }

    private static ResultRecorded ack(String jobId, int attempt) {
        return new ResultRecorded(Messages.SCHEMA_VERSION, null, "run-1", jobId, attempt);
    }

    private long sent(String jobId, int attempt) {
        return published.of(JobResult.class).stream().filter(r -> r.jobId().equals(jobId) && r.attempt() == attempt)
                .count();
    }

    private void advance(long ms) {
        now.addAndGet(ms);
    }

    private double counter(String name, String... tags) {
        return metrics.counter(name, tags).count();
    }

    @Test
    void send_result_isPublishedAtOnceAndKept() {
        UnacknowledgedResults results = results(10);

        results.send(result("j1", 1));

        assertThat(sent("j1", 1)).isEqualTo(1);
        assertThat(results.size()).isEqualTo(1);
    }

    @Test
    void send_otherReplies_passThroughAndAreNotKept() {
        UnacknowledgedResults results = results(10);

        results.send(new JobAccepted(Messages.SCHEMA_VERSION, null, "run-1", "agent-1", "j1", 1, 0));
        advance(RESEND_MS);
        results.resendDue();

        assertThat(published.all()).hasSize(1);
        assertThat(results.size()).isZero();
    }

    @Test
    void resendDue_beforeTheInterval_resendsNothing() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));

        advance(RESEND_MS - 1);
        results.resendDue();

        assertThat(sent("j1", 1)).isEqualTo(1);
    }

    @Test
    void resendDue_unacknowledgedAfterTheInterval_resendsOncePerInterval() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));

        advance(RESEND_MS);
        results.resendDue();
        results.resendDue(); // a second check at the same moment: not due again yet
        advance(RESEND_MS);
        results.resendDue();

        assertThat(sent("j1", 1)).isEqualTo(3);
        assertThat(counter("sigmaquant.agent.results.resent")).isEqualTo(2);
    }

    @Test
    void recorded_ackedResult_isNotResent() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));
        results.send(result("j2", 1));

        results.recorded(ack("j1", 1));
        advance(RESEND_MS);
        results.resendDue();

        assertThat(sent("j1", 1)).isEqualTo(1);
        assertThat(sent("j2", 1)).isEqualTo(2);
        assertThat(results.size()).isEqualTo(1);
    }

    @Test
    void recorded_twice_isIdempotent() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));

        results.recorded(ack("j1", 1));
        results.recorded(ack("j1", 1));

        assertThat(results.size()).isZero();
    }

    @Test
    void recorded_unknownJobOrOtherAttempt_isIgnored() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));

        results.recorded(ack("nobody", 1));
        results.recorded(ack("j1", 2));
        advance(RESEND_MS);
        results.resendDue();

        assertThat(results.size()).isEqualTo(1);
        assertThat(sent("j1", 1)).isEqualTo(2);
    }

    @Test
    void resendDue_pastTheGiveUpTime_dropsTheResultAndCountsIt() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));
        for (long t = RESEND_MS; t < GIVE_UP_MS; t += RESEND_MS) {
            advance(RESEND_MS);
            results.resendDue();
        }
        long before = sent("j1", 1);

        advance(RESEND_MS);
        results.resendDue();
        advance(RESEND_MS);
        results.resendDue();

        assertThat(sent("j1", 1)).isEqualTo(before);
        assertThat(results.size()).isZero();
        assertThat(counter("sigmaquant.agent.results.given.up", "reason", "age")).isEqualTo(1);
    }

    @Test
    void send_pastTheCapacity_dropsTheOldest() {
        UnacknowledgedResults results = results(3);

        for (int i = 1; i <= 5; i++) {
            results.send(result("j" + i, 1));
        }
        advance(RESEND_MS);
        results.resendDue();

        assertThat(results.size()).isEqualTo(3);
        assertThat(sent("j1", 1)).isEqualTo(1);
        assertThat(sent("j2", 1)).isEqualTo(1);
        assertThat(sent("j5", 1)).isEqualTo(2);
        assertThat(counter("sigmaquant.agent.results.given.up", "reason", "capacity")).isEqualTo(2);
    }

    @Test
    void resendDue_whileDisconnected_resendsNothingButStillGivesUp() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));
        connected.set(false);

        advance(RESEND_MS);
        results.resendDue();
        assertThat(sent("j1", 1)).isEqualTo(1);

        advance(GIVE_UP_MS);
        results.resendDue();
        assertThat(results.size()).isZero();
    }

    @Test
    void resendAll_afterReconnect_resendsEveryUnacknowledgedAtOnceAndRestartsTheInterval() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));
        results.send(result("j2", 3));
        results.recorded(ack("j2", 3));

        advance(1);
        results.resendAll();
        assertThat(sent("j1", 1)).isEqualTo(2);
        assertThat(sent("j2", 3)).isEqualTo(1);

        advance(RESEND_MS - 1);
        results.resendDue(); // one interval after the first publish, not after the reconnect's
        assertThat(sent("j1", 1)).isEqualTo(2);
    }

    @Test
    void send_sameResultAgain_keepsItOnce() {
        UnacknowledgedResults results = results(10);

        results.send(result("j1", 1));
        results.send(result("j1", 1));

        assertThat(results.size()).isEqualTo(1);
    }

    @Test
    void metrics_gaugeShowsHowManyAwaitAnAck() {
        UnacknowledgedResults results = results(10);
        results.send(result("j1", 1));

        assertThat(metrics.get("sigmaquant.agent.results.unacknowledged").gauge().value()).isEqualTo(1);
    }
}
