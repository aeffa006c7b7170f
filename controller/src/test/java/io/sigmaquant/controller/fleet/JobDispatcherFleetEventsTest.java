package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Verifies that the dispatcher reacts to the fleet: an attempt whose agent the registry loses — its Last Will, or a
 * heartbeat that stopped — fails at once with that reason recorded and goes to another agent. The lease is ten
 * minutes, so a retry that came from the lease would time the test out; the test asserts the recorded reason.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDispatcherFleetEventsTest {
    private static final String CLASS = JobDispatcherTest.CLASS;
    private static final JobPolicy LONG_LEASE = new JobPolicy(Duration.ofMinutes(10), 3, Duration.ofSeconds(30));

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final FleetRegistry registry = new FleetRegistry(nowMs::get);
    /** What each agent does with a job: answers, or the test's action. */
    private final Map<String, Runnable> onJob = new ConcurrentHashMap<>();
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final MemoryDispatchLog log = new MemoryDispatchLog();
    private final JobDispatcher dispatcher = new JobDispatcher(registry, this::publish, (a, c) -> { },
            new DispatchListener() {
                @Override
                public void attemptFailed(AttemptFailure why) {
                    events.add(why.label());
                }
            }, log);

    private void publish(String agentId, MeasurementJob job) {
        published.add(agentId + "#" + job.attempt());
        Runnable action = onJob.get(agentId);
        if (action != null) {
            action.run();
        } else {
            dispatcher.onReply(agentId, Results.result(agentId, job.jobId(), job.attempt()));
        }
    }

    private void online(String agentId, Integer heartbeatS) {
        AgentStatus s = JobDispatcherTest.status(agentId, AgentStatus.ONLINE);
        registry.update(heartbeatS == null ? s : s.beat(heartbeatS, nowMs.get()));
    }

    @Test
    void measure_agentsLastWillMidJob_failsTheAttemptAtOnceAndRetriesElsewhere() throws Exception {
        online("agent-a", null);
        online("agent-b", null);
        // agent-a accepts the job, then its connection drops: the broker publishes its Last Will
        onJob.put("agent-a", () -> registry.update(JobDispatcherTest.status("agent-a", AgentStatus.OFFLINE)));

        Dispatcher.Measured m = dispatcher.measure(CLASS, JobDispatcherTest.job("j1"), LONG_LEASE);

        assertThat(published).containsExactly("agent-a#1", "agent-b#2");
        assertThat(m.agentId()).isEqualTo("agent-b");
        assertThat(log.failures("j1")).containsExactly(Map.entry(1, "agent-offline"));
        assertThat(events).containsExactly("agent_lost");
    }

    @Test
    void measure_agentsHeartbeatStopsMidJob_staleAgentsAttemptMovesAtOnce() throws Exception {
        online("agent-a", 2);
        online("agent-b", 2);
        // agent-a hangs with its job: no reply, no heartbeat; agent-b keeps beating. The sweep runs as the
        // service's timer would, once three periods have passed
        onJob.put("agent-a", () -> {
            nowMs.addAndGet(FleetRegistry.STALE_AFTER_BEATS * 2_000L + 1);
            online("agent-b", 2);
            Thread sweep = new Thread(registry::sweepStale); // another thread, as the timer is
            sweep.start();
        });

        Dispatcher.Measured m = dispatcher.measure(CLASS, JobDispatcherTest.job("j2"), LONG_LEASE);

        assertThat(m.agentId()).isEqualTo("agent-b");
        assertThat(published).containsExactly("agent-a#1", "agent-b#2");
        assertThat(log.failures("j2")).containsExactly(Map.entry(1, "agent-stale"));
    }

    @Test
    void measure_otherAgentGoesOffline_attemptKeepsWaitingForItsOwn() throws Exception {
        online("agent-a", null);
        online("agent-b", null);
        online("agent-c", null);
        // while agent-a measures, agent-c (which holds nothing) drops; then agent-a answers
        onJob.put("agent-a", () -> {
            registry.update(JobDispatcherTest.status("agent-c", AgentStatus.OFFLINE));
            dispatcher.onReply("agent-a", Results.result("agent-a", "j3", 1));
        });

        Dispatcher.Measured m = dispatcher.measure(CLASS, JobDispatcherTest.job("j3"), LONG_LEASE);

        assertThat(m.agentId()).isEqualTo("agent-a");
        assertThat(log.failures("j3")).isEmpty();
    }

    @Test
    void measure_agentErrorAndLease_recordTheirReasons() throws Exception {
        online("agent-a", null);
        online("agent-b", null);
        onJob.put("agent-a", () -> dispatcher.onReply("agent-a", new io.sigmaquant.protocol.message.JobError(
                io.sigmaquant.protocol.Messages.SCHEMA_VERSION, null, "c", "agent-a", "j4", 1,
                io.sigmaquant.protocol.message.JobError.Codes.MEASUREMENT_FAILED, "broken")));
        onJob.put("agent-b", () -> { }); // silent: its short lease runs out

        JobPolicy shortLease = new JobPolicy(Duration.ofMillis(200), 2, Duration.ofSeconds(5));
        assertThatThrownBy(() -> dispatcher.measure(CLASS, JobDispatcherTest.job("j4"), shortLease))
                .isInstanceOf(JobFailedException.class);

        assertThat(log.failures("j4")).containsExactly(Map.entry(1, "error:measurement-failed"),
                Map.entry(2, "lease-expired"));
    }
}
