package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher on a real Mosquitto with real agent processes ({@code --simulate}) and the H2 store: an attempt
 * whose agent dies, or hangs, moves to another agent when the registry notices — the Last Will, or the heartbeat
 * that stopped — long before its lease of five minutes. The test outlives no lease (its timeout is shorter), and
 * asserts the cause: the reason recorded with the first attempt in {@code dispatched_attempts}.
 *
 * <p>The agent is killed (or stopped) just before its job is handed to the broker, after the dispatcher has
 * chosen it and put the attempt in flight: a simulated agent answers within milliseconds, so killing it after the
 * publish would race its answer. The job still reaches its session on the broker, as one in flight would.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentLossRedispatchIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLossRedispatchIT.class);
    private static final String CLASS = "x86-64-generic";
    private static final JobPolicy FIVE_MINUTE_LEASE = new JobPolicy(Duration.ofMinutes(5), 3,
            Duration.ofSeconds(30));

    @TempDir
    Path dir;

    /** What to do to the agent a job is about to go to. */
    private interface Fault {
        void before(Process agent) throws Exception;
    }

    @Test
    void agentKilledWithAJob_attemptMovesOnItsLastWill() throws Exception {
        Map<Integer, String> failures = measureWith("kill", List.of(), agent -> {
            agent.destroyForcibly(); // SIGKILL: the socket closes, the broker publishes the Last Will
            agent.waitFor();
        });

        assertThat(failures).containsExactly(Map.entry(1, "agent-offline"));
    }

    /**
     * With a keep-alive of 120 s the broker would not drop the stopped agent within this test's timeout: only the
     * heartbeat (2 s, stale after 3 missed) can move its job.
     */
    @Test
    void agentStoppedWithAJob_attemptMovesWhenItsHeartbeatStops() throws Exception {
        Map<Integer, String> failures = measureWith("hung", List.of("--keep-alive-s", "120", "--heartbeat-s", "2"),
                agent -> signal(agent, "STOP"));

        assertThat(failures).containsExactly(Map.entry(1, "agent-stale"));
    }

    /**
     * Starts agents {@code prefix-a} and {@code prefix-b}, measures one job — it goes to {@code prefix-a} first (no
     * load anywhere, neither chosen before, a before b), which suffers {@code fault} — and returns the recorded
     * failure reasons of the job's attempts; the result must come from {@code prefix-b}.
     */
    private Map<Integer, String> measureWith(String prefix, List<String> agentArgs, Fault fault) throws Exception {
        String victim = prefix + "-a";
        String healthy = prefix + "-b";
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor();
        try (TestBroker broker = TestBroker.start();
             RunStore store = RunStore.open(RunStore.embeddedUrl(dir.resolve("store")), null, null);
             FleetConnection connection = new FleetConnection(broker.url(), prefix + "-controller", 0,
                     MqttLogin.NONE, MessageTraffic.NONE);
             AgentProcesses agents = new AgentProcesses()) {
            FleetRegistry registry = new FleetRegistry();
            JobDispatcher dispatcher = new JobDispatcher(registry, (agentId, job) -> {
                if (agentId.equals(victim)) {
                    // logged, so that the log shows how long the registry took to notice (not asserted)
                    LOG.info("fault on {} with job {} attempt {}", victim, job.jobId(), job.attempt());
                    fault.before(agents.get(victim));
                }
                connection.publish(agentId, job);
            }, connection::cancel, DispatchListener.NONE, store.dispatches());
            connection.connect(new FleetInbox(registry, dispatcher)::arrived);
            sweeper.scheduleAtFixedRate(registry::sweepStale, 1, 1, TimeUnit.SECONDS); // as the service does
            String[] args = agentArgs.toArray(String[]::new);
            agents.start(broker.url(), victim, CLASS, dir, withSimulate(args));
            agents.start(broker.url(), healthy, CLASS, dir, withSimulate(args));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> registry.online(CLASS).size() == 2);
            try {
                Dispatcher.Measured m = dispatcher.measure(CLASS, job(prefix + "-job"), FIVE_MINUTE_LEASE);

                assertThat(m.agentId()).isEqualTo(healthy);
                assertThat(m.result().attempt()).isEqualTo(2);
                assertThat(store.dispatches().attempts(prefix + "-job")).extracting(DispatchLog.IssuedAttempt::agentId)
                        .containsExactlyInAnyOrder(victim, healthy);
                return store.dispatches().failures(prefix + "-job");
            } finally {
                if (agents.get(victim).isAlive()) {
                    signal(agents.get(victim), "CONT"); // a stopped process is not killed by SIGTERM until resumed
                }
            }
        } finally {
            sweeper.shutdownNow();
        }
    }

    private static String[] withSimulate(String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = "--simulate";
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    private static void signal(Process p, String signal) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        assertThat(rc).as("kill -" + signal).isZero();
    }

    private static MeasurementJob job(String id) {
        return Jobs.job(id, "http://127.0.0.1:9/models/" + "e".repeat(64), "e".repeat(64), 1000,
                System.currentTimeMillis() + 600_000,
                List.of(new MeasurementJob.LayerWork("/stem/Conv", 112_896, 144, 8, 12_544)));
    }
}
