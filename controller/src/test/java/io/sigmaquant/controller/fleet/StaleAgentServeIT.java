package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the service's wiring of the heartbeat on a real Mosquitto: an agent process stopped with SIGSTOP is shown
 * {@code stale} by {@code GET /api/agents} while the broker still has it online (its keep-alive is 120 s, longer
 * than this test), and is not stale once SIGCONT lets it publish again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StaleAgentServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigstoppedAgent_isStaleInTheApi_andFreshAgainAfterSigcont() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ServeProcess serve = ServeProcess.start(dir.resolve("serve"), dir.resolve("serve.log"), "--broker",
                     broker.url(), "--mqtt-session-expiry-s", "0");
             AgentProcesses agents = new AgentProcesses()) {
            Process agent = agents.start(broker.url(), "stale-1", "x86-64-generic", dir, "--simulate",
                    "--keep-alive-s", "120", "--heartbeat-s", "2");
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> isState(serve, true, false));
            assertThat(agent(serve).get("heartbeatS").asInt()).isEqualTo(2);

            signal(agent, "STOP");
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> isState(serve, true, true));
            } finally {
                signal(agent, "CONT");
            }

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> isState(serve, true, false));
        }
    }

    private static boolean isState(ServeProcess serve, boolean online, boolean stale) throws Exception {
        JsonNode a = agent(serve);
        return a != null && a.get("online").asBoolean() == online && a.get("stale").asBoolean() == stale;
    }

    private static JsonNode agent(ServeProcess serve) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(serve.url() + "/api/agents")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode a : JSON.readTree(r.body())) {
            if (a.get("id").asText().equals("stale-1")) {
                return a;
            }
        }
        return null;
    }

    private static void signal(Process p, String signal) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        assertThat(rc).as("kill -" + signal).isZero();
    }
}
