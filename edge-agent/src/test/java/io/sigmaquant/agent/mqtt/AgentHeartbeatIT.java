package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the status heartbeat (protocol 1.5) on a real Mosquitto: a connected agent publishes its retained status
 * again, each one announcing its period and sent later than the one before; with the heartbeat off it does not.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentHeartbeatIT {
    @TempDir
    Path tmp;

    @Test
    void connectedAgent_republishesItsStatusWithPeriodAndTime() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "heartbeat-observer");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), "beating", "x86-64-generic")
                     .setSimulate(true).setCacheDir(tmp).setMetricsPort(-1).setHeartbeatSeconds(1))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> beats(controller, "beating").size() >= 3);

            List<AgentStatus> beats = beats(controller, "beating");
            assertThat(beats).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(AgentStatus.ONLINE);
                assertThat(s.heartbeatS()).isEqualTo(1);
                assertThat(s.jobsHeld()).isZero(); // idle
                assertThat(s.schemaVersion()).isEqualTo(Messages.SCHEMA_VERSION);
            });
            assertThat(beats).extracting(AgentStatus::sentAtMs).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void heartbeatOff_statusIsPublishedOnceOnConnect() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "quiet-observer");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), "quiet", "x86-64-generic")
                     .setSimulate(true).setCacheDir(tmp).setMetricsPort(-1).setHeartbeatSeconds(0));
             AgentRuntime beating = AgentRuntime.start(new AgentOptions(broker.url(), "beating-2", "x86-64-generic")
                     .setSimulate(true).setCacheDir(tmp.resolve("b")).setMetricsPort(-1).setHeartbeatSeconds(1))) {
            // the other agent's beats are the clock: three of them, and the quiet one has said nothing more
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> beats(controller, "beating-2").size() >= 4
                    && !beats(controller, "quiet").isEmpty());

            assertThat(beats(controller, "quiet")).singleElement().satisfies(s ->
                    assertThat(s.heartbeatS()).isNull());
        }
    }

    private static List<AgentStatus> beats(ControllerClient controller, String agentId) {
        return controller.statusHistory.stream().filter(s -> s.agentId().equals(agentId)).toList();
    }
}
