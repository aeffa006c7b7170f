package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.cli.CliRunner;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.ServeProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sigmaquant bench-fleet} against a real Mosquitto and a {@code serve} process: twelve simulated agents
 * across the six classes and three runs. No timing is asserted: only that everything it reports is so.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BenchFleetIT {
    @TempDir
    Path work;

    /**
     * Verifies that every agent is seen online by the controller, every run ends (converged or with its reason),
     * and the summary's counts are the controller's own.
     */
    @Test
    void benchFleet_twelveAgentsThreeRuns_allOnlineAllEndedCountsMatchTheApi() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ServeProcess serve = ServeProcess.start(work.resolve("data"), work.resolve("serve.log"), "--broker",
                     broker.url(), "--wait-for-agent-s", "60", "--concurrent-runs", "3")) {
            Path json = work.resolve("summary.json");
            CliRunner.Result r = CliRunner.run("bench-fleet", "--broker", broker.url(), "--server", serve.url(),
                    "--agents", 12, "--runs", 3, "--max-iterations", 2, "--duration-s", 300, "--connect-batch", 5,
                    "--model", Fixtures.model("resnet"), "--json", json);

            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            JsonNode summary = new ObjectMapper().readTree(json.toFile());
            assertThat(summary.get("agentsStarted").asInt()).isEqualTo(12);
            assertThat(summary.get("agentsOnline").asInt()).isEqualTo(12);
            assertThat(summary.get("secondsToAllOnline").isNumber()).isTrue();
            assertThat(summary.get("runsSubmitted").asInt()).isEqualTo(3);
            assertThat(summary.get("runsEnded").asInt()).isEqualTo(3);
            assertThat(summary.get("unfinishedRuns")).isEmpty();
            assertThat(summary.get("timedOut").asBoolean()).isFalse();
            assertThat(r.out()).contains("agents: 12 of 12 online", "runs: 3 of 3 ended");

            RunClient api = new RunClient(serve.url());
            Map<String, Integer> byStatus = new HashMap<>();
            for (JsonNode run : api.runs()) {
                String status = run.get("status").asText();
                assertThat(status).isIn("converged", "not-converged", "failed");
                if (!status.equals("converged")) {
                    assertThat(run.get("reason").asText()).as("run " + run.get("id")).isNotBlank();
                }
                byStatus.merge(status, 1, Integer::sum);
            }
            Map<String, Integer> reported = new HashMap<>();
            summary.get("runsByStatus").fields().forEachRemaining(e -> reported.put(e.getKey(), e.getValue().asInt()));
            assertThat(reported).isEqualTo(byStatus);
            assertThat(summary.get("failedRuns")).hasSize(byStatus.getOrDefault("failed", 0));

            Set<String> classes = new HashSet<>();
            int benchAgents = 0;
            for (JsonNode a : api.agents()) {
                if (a.get("id").asText().startsWith("bench-")) {
                    benchAgents++;
                    classes.add(a.get("deviceClass").asText());
                }
            }
            assertThat(benchAgents).isEqualTo(12);
            assertThat(classes).hasSize(6);
        }
    }
}
