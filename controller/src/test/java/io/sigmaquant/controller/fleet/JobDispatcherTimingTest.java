package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that the dispatcher times where a job's time goes — the wait for an agent, publish to the agent's
 * acceptance, a result's arrival to the measurement having it — into the controller's meters. The durations are
 * read on a clock the test moves: the fake agent (as in {@link JobDispatcherTest}, it answers inside
 * {@code publish}) moves it by a known amount at each step, so each timer holds at least that amount whatever the
 * machine's speed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDispatcherTimingTest {
    static final String CLASS = JobDispatcherTest.CLASS;
    static final JobPolicy POLICY = JobDispatcherTest.POLICY;
    /** The fake agent accepts a job this long after it was published. */
    static final Duration ACCEPTING = Duration.ofMillis(25);
    /** ... and the measurement waiting for the result takes it this long after it arrived. */
    static final Duration WAKING = Duration.ofMillis(7);

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final CountDownLatch clockRead = new CountDownLatch(1);
    final FleetRegistry registry = new FleetRegistry();
    final ControllerMetrics metrics = new ControllerMetrics(registry, false);
    final JobDispatcher dispatcher = new JobDispatcher(registry, this::publish, (a, c) -> { }, metrics,
            new MemoryDispatchLog(), ReplyRelay.NONE, this::clock);

    @AfterEach
    void close() {
        metrics.close();
    }

    /** The time, read before it tells a waiting test that it was read: what the test moves next comes after. */
    private long clock() {
        long t = now.get();
        clockRead.countDown();
        return t;
    }

    /** Accepts (the broker delivers the acceptance twice, QoS 1), then answers with a result. */
    private void publish(String agentId, MeasurementJob job) {
        now.addAndGet(ACCEPTING.toNanos());
        JobAccepted accepted = new JobAccepted(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(),
                job.attempt(), 0);
        dispatcher.onReply(agentId, accepted);
        dispatcher.onReply(agentId, accepted);
        dispatcher.onReply(agentId, Results.result(agentId, job.jobId(), job.attempt()));
        now.addAndGet(WAKING.toNanos());
    }

    private Timer timer(String name) {
        MeterRegistry r = metrics.registry();
        return r.get(name).timer();
    }

    @Test
    void measure_agentAcceptsThenAnswers_timesTheAcceptanceOnceAndTheResultsHandling() throws Exception {
        registry.update(JobDispatcherTest.status("agent-a", AgentStatus.ONLINE));

        dispatcher.measure(CLASS, JobDispatcherTest.job("t1"), POLICY);

        Timer accept = timer("sigmaquant.dispatch.accept");
        assertThat(accept.count()).isEqualTo(1);
        assertThat(accept.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(ACCEPTING.toNanos());
        Timer handling = timer("sigmaquant.result.handling");
        assertThat(handling.count()).isEqualTo(1);
        assertThat(handling.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(WAKING.toNanos());
        assertThat(timer("sigmaquant.dispatch.queue").count()).as("an agent was online: waited, for no time")
                .isEqualTo(1);
    }

    @Test
    void measure_noAgentOnlineAtFirst_timesTheWaitForOne() throws Exception {
        Duration away = Duration.ofSeconds(2);
        Thread arriving = new Thread(() -> {
            try {
                clockRead.await(); // the attempt has started to wait
                now.addAndGet(away.toNanos());
                registry.update(JobDispatcherTest.status("agent-b", AgentStatus.ONLINE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        arriving.start();

        dispatcher.measure(CLASS, JobDispatcherTest.job("t2"), POLICY);
        arriving.join();

        Timer queue = timer("sigmaquant.dispatch.queue");
        assertThat(queue.count()).isEqualTo(1);
        assertThat(queue.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(away.toNanos());
    }

    @Test
    void measure_noAgentComesOnline_timesTheWholeWait() {
        Duration tick = Duration.ofSeconds(3);
        AtomicLong ticking = new AtomicLong();
        JobDispatcher waiting = new JobDispatcher(registry, this::publish, (a, c) -> { }, metrics,
                new MemoryDispatchLog(), ReplyRelay.NONE, () -> ticking.getAndAdd(tick.toNanos())); // each read a tick later
        JobPolicy brief = new JobPolicy(POLICY.lease(), 1, Duration.ofMillis(250));

        assertThatThrownBy(() -> waiting.measure(CLASS, JobDispatcherTest.job("t3"), brief))
                .isInstanceOf(JobFailedException.class);

        Timer queue = timer("sigmaquant.dispatch.queue");
        assertThat(queue.count()).isEqualTo(1);
        assertThat(queue.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(tick.toNanos());
    }

    @Test
    void onReply_acceptanceOfAnAttemptNotWaitedFor_isNotTimed() {
        dispatcher.onReply("agent-a", new JobAccepted(Messages.SCHEMA_VERSION, null, "c", "agent-a", "unknown", 1, 0));

        assertThat(timer("sigmaquant.dispatch.accept").count()).isZero();
    }
}
