package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.cli.CliRunner;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.ServeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sigmaquant bench-fleet --keep-runs --agent-faults} against a real Mosquitto and a {@code serve} process:
 * six simulated agents, two runs kept in flight, one agent crashed and restarted. No timing is asserted: the time
 * limit only bounds the soak, and what is checked is what happened within it.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BenchFleetSoakIT {
    @TempDir
    Path work;

    /**
     * Verifies that runs are kept in flight until the time limit (ended ones replaced), that the crashed agent was
     * seen offline by the controller and online again after its restart, and that the agents' log agrees with the
     * summary, with no result published twice for one attempt.
     */
    @Test
    void benchFleet_keepRunsOneFault_runsReplacedFaultSeenAndUndoneLogConsistent() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ServeProcess serve = ServeProcess.start(work.resolve("data"), work.resolve("serve.log"), "--broker",
                     broker.url(), "--wait-for-agent-s", "60", "--concurrent-runs", "4")) {
            Path json = work.resolve("summary.json");
            Path agentLog = work.resolve("agents.tsv");
            CliRunner.Result r = CliRunner.run("bench-fleet", "--broker", broker.url(), "--server", serve.url(),
                    "--agents", 6, "--runs", 2, "--keep-runs", "--agent-faults", 1, "--max-iterations", 2,
                    "--duration-s", 120, "--connect-batch", 6, "--model", Fixtures.model("resnet"), "--json", json,
                    "--agent-log", agentLog);

            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            JsonNode summary = new ObjectMapper().readTree(json.toFile());
            assertThat(summary.get("keepRuns").asBoolean()).isTrue();
            assertThat(summary.get("agentsOnline").asInt()).isEqualTo(6);
            assertThat(summary.get("runsEnded").asInt()).as(r.out()).isPositive();
            // every ended run was replaced while the time lasted: those in flight at the end make up the rest
            assertThat(summary.get("runsSubmitted").asInt())
                    .isEqualTo(summary.get("runsEnded").asInt() + summary.get("unfinishedRuns").size());

            JsonNode faults = summary.get("agentFaults");
            assertThat(faults).hasSize(1);
            JsonNode fault = faults.get(0);
            assertThat(fault.get("agentId").asText()).startsWith("bench-");
            assertThat(fault.get("secondsToOffline").isNumber()).as("seen offline").isTrue();
            assertThat(fault.get("secondsToOnlineAgain").isNumber()).as("seen online again").isTrue();
            assertThat(r.out()).contains("agent faults: 1 injected, 1 seen offline, 1 seen online again");

            List<String> lines = Files.readAllLines(agentLog);
            assertThat(lines.get(0)).isEqualTo("agent\tjob_id\tattempt\tevent\tat_ms");
            JsonNode counts = summary.get("agentLog");
            int accepted = counts.get("accepted").asInt();
            int results = counts.get("results").asInt();
            assertThat(results).isPositive();
            assertThat(lines).hasSize(1 + accepted + results + counts.get("errors").asInt());
            assertThat(counts.get("duplicateResults").asInt()).isZero();
            Set<String> resulted = new HashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                assertThat(f).hasSize(5);
                if (f[3].equals("result")) {
                    assertThat(resulted.add(f[1] + "/" + f[2])).as("one result per attempt: " + line).isTrue();
                }
            }
        }
    }
}
