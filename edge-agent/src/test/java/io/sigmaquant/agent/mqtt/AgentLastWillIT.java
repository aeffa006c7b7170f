package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.message.AgentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that a killed agent process is marked offline by the broker's Last Will, retained. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentLastWillIT {
    @TempDir
    Path tmp;

    @Test
    void sigkill_agentProcess_retainedStatusBecomesOffline() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "observer")) {
            Path jar;
            try (var files = Files.list(Fixtures.repoRoot().resolve("edge-agent/target"))) {
                jar = files.filter(f -> f.getFileName().toString().matches("sigmaquant-edge-agent-[0-9.]+(-SNAPSHOT)?\\.jar")).findFirst()
                        .orElseThrow();
            }
            Process agent = new ProcessBuilder(List.of("java", "-jar", jar.toString(), "run", "--broker", broker.url(),
                    "--id", "doomed", "--profile", "raspberry-pi-5", "--energy", "estimate", "--cache-dir",
                    tmp.resolve("cache").toString())).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("agent.log").toFile()).start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> controller.status.containsKey("doomed"));
                assertThat(controller.status.get("doomed").state()).isEqualTo(AgentStatus.ONLINE);

                agent.destroyForcibly(); // SIGKILL: no chance to say goodbye
                assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();

                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> AgentStatus.OFFLINE.equals(controller.status.get("doomed").state()));
            } finally {
                agent.destroyForcibly();
            }
            try (ControllerClient late = new ControllerClient(broker.url(), "late-observer")) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> late.status.containsKey("doomed"));
                assertThat(late.status.get("doomed").state()).as("retained").isEqualTo(AgentStatus.OFFLINE);
            }
        }
    }
}
