package io.sigmaquant.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.cli.CliRunner;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.store.CostModels;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.controller.wiring.ControllerParts;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The closed loop against a real Mosquitto and two real agent processes of the same class on this machine. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClosedLoopIT {
    static TestBroker broker;
    static AgentProcesses agents;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        agents = new AgentProcesses();
        agents.start(broker.url(), "agent-a", "x86-64-generic", work);
        agents.start(broker.url(), "agent-b", "x86-64-generic", work);
    }

    @AfterAll
    static void stop() {
        agents.close();
        broker.close();
    }

    /**
     * Verifies the plumbing of an in-process run with real agents and ONNX Runtime: every job is measured with
     * its interval, every non-float job is paired with the float model, every measurement is recorded in the store
     * with its per-node times and interval, and the run ends with a reason. Whether it converged depends on how
     * fast this machine is right now, so either outcome passes (the loop's decisions are ClosedLoopTest's).
     */
    @Test
    void optimize_inProcess_measuresPairsAndRecordsEveryJobAndEndsWithAReason() throws Exception {
        Path out = work.resolve("out");
        CliRunner.Result r = CliRunner.run("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic",
                "--broker", broker.url(), "--latency-fraction", "1.2", "--max-size", "40KiB", "--batch", "32",
                "--tolerance", "0.3", "--max-iterations", "3", "--runs", "20", "--min-duration-ms", "300", "--threads", "1",
                "--data", Fixtures.data(), "--cache-dir", "target/sensitivity-cache", "--out", out);
        assertThat(r.exitCode()).as(r.err()).isIn(0, 3);
        // stderr is not a terminal here: each job's waits are plain lines there, each ending done
        List<String> err = r.err().lines().toList();
        assertThat(err).anyMatch(l -> l.matches("agent of x86-64-generic for job \\S+ \\(attempt 1 of \\d+\\): "
                + "waited \\(\\d+ s\\) done"));
        assertThat(err).anyMatch(l -> l.matches("measurement of job \\S+ on agent-[ab] \\(attempt 1 of \\d+\\): "
                + "waited \\(\\d+ s\\) done"));
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("reason").asText()).isNotBlank();
        JsonNode iterations = report.get("iterations");
        assertThat(iterations.size()).isGreaterThanOrEqualTo(4);
        long chosen = 0;
        for (JsonNode it : iterations) {
            chosen += IterationKind.fromWire(it.get("kind").asText()).chosenByTheLoop() ? 1 : 0;
        }
        assertThat(err).filteredOn(l -> l.contains(", iteration ")).hasSize((int) chosen)
                .allMatch(l -> l.matches(".*, iteration [1-3] of 3$"));
        for (JsonNode it : iterations) {
            double median = it.get("correctedMs").asDouble();
            assertThat(it.get("ciLowMs").asDouble()).as("interval of " + it).isLessThanOrEqualTo(median);
            assertThat(it.get("ciHighMs").asDouble()).isGreaterThanOrEqualTo(median);
            boolean isFloat = true;
            for (JsonNode b : it.get("bits")) {
                isFloat &= b.asInt() == 32;
            }
            assertThat(it.get("referenceRatio").isNumber()).as("paired unless float: " + it).isEqualTo(!isFloat);
        }
        if (report.get("converged").asBoolean()) {
            JsonNode last = iterations.get(iterations.size() - 1);
            assertThat(last.get("meetsBudgets").asBoolean()).isTrue();
            assertThat(OnnxModels.load(out.resolve("model.onnx")).getGraph().getNodeCount()).isPositive();
        }
        assertThat(new ObjectMapper().readTree(out.resolve("cost-model.json").toFile()).get("latencyFits").has("w8a8"))
                .isTrue();
        // time on the board from ONNX Runtime's node profile: the float calibration beside the last iteration
        JsonNode profile = new ObjectMapper().readTree(out.resolve("profile.json").toFile());
        assertThat(profile.get("floatModel").get("simulated").asBoolean()).isFalse();
        assertThat(profile.get("floatModel").get("msByOp").size()).isPositive();
        assertThat(profile.get("floatModel").get("msByLayer").size()).as("charged to layers").isPositive();
        assertThat(profile.get("candidate").get("iteration").asInt()).isEqualTo(iterations.size());
        assertThat(profile.get("candidate").get("totalMs").asDouble()).isPositive();
        // the controller process is gone; what it measured is in the store (an H2 file in --out)
        String runId = r.out().replaceAll("(?s).*\\(run ([0-9a-f-]+) in the store\\).*", "$1");
        try (RunStore store = RunStore.open(RunStore.embeddedUrl(out), "sa", "")) {
            RunStore.StoredRun run = store.run(runId).orElseThrow();
            assertThat(run.status()).isEqualTo(report.get("converged").asBoolean() ? RunStatus.CONVERGED
                    : RunStatus.NOT_CONVERGED);
            assertThat(run.measurements()).isEqualTo(report.get("measurements").asInt());
            assertThat(run.iterations()).isEqualTo(iterations.size());
            for (RunStore.StoredIteration it : store.iterations(runId)) {
                assertThat(store.nodeTimes(it.jobId(), it.attempt())).as("node times of " + it).isPositive();
                assertThat(store.confidence(it.jobId(), it.attempt()).orElseThrow().medianCiLowMs()).isNotNull();
            }
            assertThat(store.latestCostModel("x86-64-generic")).isPresent();
            assertThat(store.costModels().latestPerClass()).extracting(CostModels.Latest::runId).containsExactly(runId);
        }
    }

    /**
     * Verifies that killing the agent in the middle of a job moves the job to the other agent, counted once, with
     * the controller's parts wired as serve and optimize wire them.
     */
    @Test
    void dispatcher_agentKilledMidJob_finishesOnTheOtherAgent() throws Exception {
        byte[] model = Files.readAllBytes(Fixtures.model("resnet"));
        try (ControllerParts parts = ControllerParts.start(new ControllerOptions().setDataDir(work.resolve("kill"))
                .setBrokerUrl(broker.url()).setHttpPort(0).setPersistentSession(false))) {
            String sha = parts.models().put(model);
            RunStore runs = parts.store();
            runs.createRun("kill-run", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING);
            FleetRegistry registry = parts.fleet();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> registry.online("x86-64-generic").size() == 2);
            MeasurementJob job = new MeasurementJob(Messages.SCHEMA_VERSION, null, "kill-run", "kill-job", 1,
                    new MeasurementJob.ModelRef(parts.modelBaseUrl() + sha, sha, model.length),
                    new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                    new MeasurementJob.Settings(1, 5, 20, 6000, true), System.currentTimeMillis() + 60_000, List.of());
            CompletableFuture<Dispatcher.Measured> measured = CompletableFuture.supplyAsync(() -> {
                try {
                    return parts.dispatcher().measure("x86-64-generic", job,
                            // a lease of minutes: the retry must come from the killed agent's Last Will, not the lease
                            new JobPolicy(Duration.ofMinutes(5), 3, Duration.ofSeconds(30)));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the agent the first attempt went to (picked by load, so not known beforehand) is killed while it
            // measures its 6-second window
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !runs.dispatches().attempts("kill-job")
                    .isEmpty());
            String first = runs.dispatches().attempts("kill-job").get(0).agentId();
            String other = first.equals("agent-a") ? "agent-b" : "agent-a";
            Thread.sleep(2500);
            agents.get(first).destroyForcibly();

            Dispatcher.Measured m = measured.get(3, TimeUnit.MINUTES);
            assertThat(m.agentId()).isEqualTo(other);
            assertThat(m.result().attempt()).isEqualTo(2);
            assertThat(runs.dispatches().failures("kill-job")).containsExactly(Map.entry(1, "agent-offline"));
            assertThat(m.result().latency().runs()).isGreaterThanOrEqualTo(20);
            assertThat(parts.dispatcher().lateResults()).isZero();
            // the dispatcher recorded the result as it arrived, before the broker was acknowledged
            assertThat(runs.run("kill-run").orElseThrow().measurements()).isEqualTo(1);
            assertThat(runs.recordMeasurement("kill-run", Map.of(), m.result())).as("once").isFalse();
            assertThat(runs.run("kill-run").orElseThrow().measurements()).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.online("x86-64-generic").stream().noneMatch(a -> a.id().equals(first)));
        }
    }
}
