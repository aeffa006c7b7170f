package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.cli.CliRunner;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.ServeProcess;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.message.JobProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code sigmaquant serve} as a process against a real Mosquitto with two agent processes of the
 * same class on this machine; runs submitted over HTTP; the controller restarted and killed; an agent killed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceIT {
    static final String CLASS = "x86-64-generic";
    static TestBroker broker;
    static AgentProcesses agents;
    static ServeProcess serve;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        agents = new AgentProcesses();
        agents.start(broker.url(), "agent-a", CLASS, work);
        agents.start(broker.url(), "agent-b", CLASS, work);
        serve = startServe();
    }

    static ServeProcess startServe() throws Exception {
        return ServeProcess.start(work.resolve("controller-data"), work.resolve("serve.log"), "--broker", broker.url(),
                "--wait-for-agent-s", "60");
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        agents.close();
        broker.close();
    }

    /**
     * Verifies the plumbing of optimize --server with real agents and ONNX Runtime: every measurement is recorded
     * with its per-node times and interval, the run ends with a reason (converged or not: whether this machine
     * was fast enough right now is not the test's to decide — the loop's decisions are tested on simulated boards
     * in ClosedLoopTest), and the run, its measurements and its calibrated model are still served after the
     * controller restarts.
     */
    @Test
    @Order(1)
    void optimize_viaServer_recordsEveryMeasurementEndsWithAReasonAndSurvivesRestart() throws Exception {
        Path out = work.resolve("optimize-out");
        CliRunner.Result r = CliRunner.run("optimize", Fixtures.model("resnet"), "--device-class", CLASS, "--server",
                serve.url(), "--latency-fraction", "0.9", "--max-size", "40KiB", "--batch", "32", "--threads", "1",
                "--runs", "20", "--min-duration-ms", "300", "--tolerance", "0.3", "--max-iterations", "3",
                "--data", Fixtures.data(), "--out", out, "--poll-ms", "300");
        assertThat(r.exitCode()).as(r.out() + r.err()).isIn(0, 3); // converged, or not converged with its reason
        String runId = r.out().replaceAll("(?s).*\\(run ([0-9a-f-]+) on .*", "$1");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("reason").asText()).isNotBlank();
        JsonNode iterations = report.get("iterations");
        assertThat(iterations.size()).isGreaterThanOrEqualTo(4); // three calibrations, then the loop's own
        JsonNode first = iterations.get(0);
        first.get("bits").elements().forEachRemaining(b -> assertThat(b.asInt()).isEqualTo(32));
        for (JsonNode it : iterations) {
            assertThat(it.get("measuredMs").asDouble()).isPositive();
            assertThat(it.get("verdict").asText()).isIn("meets with 95 % confidence", "meets", "undecided", "misses");
        }
        if (report.get("converged").asBoolean()) {
            JsonNode last = iterations.get(iterations.size() - 1);
            assertThat(last.get("meetsBudgets").asBoolean()).isTrue();
            assertThat(last.get("sizeBytes").asDouble()).isLessThanOrEqualTo(40 * 1024);
        }
        if (!report.get("finalSha256").isNull()) {
            assertThat(OnnxModels.load(out.resolve("model.onnx")).getGraph().getNodeCount()).isPositive();
        }
        JsonNode costModel = new ObjectMapper().readTree(out.resolve("cost-model.json").toFile());
        assertThat(costModel.get("latencyFits").has("w8a8")).isTrue();

        // the service's meters saw the run: jobs dispatched and answered, iterations, prediction errors
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(serve.url() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(counter(metrics, "sigmaquant_jobs_total{state=\"succeeded\"}")).isEqualTo(iterations.size());
        assertThat(counter(metrics, "sigmaquant_loop_iterations_total{kind=\"calibration\"}")).isEqualTo(3);
        assertThat(counter(metrics, "sigmaquant_prediction_error_count")).isEqualTo(iterations.size());
        assertThat(counter(metrics, "sigmaquant_measurement_seconds_count")).isEqualTo(iterations.size());
        assertThat(counter(metrics, "sigmaquant_agents_online")).isEqualTo(2);

        serve.stop();
        serve = startServe();
        RunClient client = new RunClient(serve.url());
        JsonNode status = client.status(runId);
        assertThat(status.get("run").get("status").asText()).isEqualTo(report.get("converged").asBoolean() ? "converged" : "not-converged");
        assertThat(status.get("run").get("measurements").asInt()).isEqualTo(report.get("measurements").asInt());
        assertThat(status.get("iterations")).hasSize(iterations.size());
        Path again = work.resolve("after-restart");
        client.downloadAll(runId, again);
        assertThat(new ObjectMapper().readTree(again.resolve("cost-model.json").toFile())).isEqualTo(costModel);
        if (!report.get("finalSha256").isNull()) {
            assertThat(again.resolve("model.onnx")).hasSameBinaryContentAs(out.resolve("model.onnx"));
        }
    }

    /** The value of one Prometheus sample, e.g. {@code sigmaquant_jobs_total{state="succeeded"}}. */
    private static double counter(String scrape, String sample) {
        return scrape.lines().filter(l -> l.startsWith(sample + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(sample.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(
                "no sample " + sample + " in\n" + scrape));
    }

    /**
     * Verifies that a run survives losing an agent in the middle of a job (the job finishes on the other
     * agent) and a SIGKILL of the controller (the restarted controller resumes it from the store), and that
     * no job is counted twice and no calibration configuration is measured twice.
     */
    @Test
    @Order(2)
    void run_agentKilledMidJobThenControllerKilled_finishesWithoutDuplicates() throws Exception {
        // a plain (not shared) subscription to every agent's replies shows who is measuring what
        MqttRecorder observer = new MqttRecorder(broker.url(), "it-observer", true, 0).subscribe("sq/v1/agents/+/results");
        MessageCodec codec = new MessageCodec();
        RunClient client = new RunClient(serve.url());
        RunRequest request = RunRequest.builder(CLASS).maxSizeBytes(40_960.0).latencyFraction(0.9).maxIterations(5)
                .tolerance(0.3).batch(32).threads(1).runs(40).minDurationMs(2500L).leaseSeconds(15).build();
        String runId = client.submit(request, Fixtures.model("resnet"), RunClient.calibrationFiles(Fixtures.data()));
        // this run's jobs only (their correlation id is the run's): an agent may still be answering a job of the
        // previous test's run, given up there, when this one starts
        java.util.function.Supplier<List<JobProgress>> progress = () -> observer.received.stream()
                .map(m -> codec.decode(m.payload())).filter(JobProgress.class::isInstance).map(JobProgress.class::cast)
                .filter(p -> p.correlationId().equals(runId)).toList();

        // the first job: kill whichever agent is measuring it
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> progress.get().stream().anyMatch(p -> p.phase().equals("measuring")));
        JobProgress measuring = progress.get().stream().filter(p -> p.phase().equals("measuring")).findFirst().orElseThrow();
        agents.get(measuring.agentId()).destroyForcibly();

        // wait for that job's retry to be recorded plus one more iteration, then kill the controller
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
                .until(() -> client.status(runId).get("iterations").size() >= 2);
        serve.kill();
        serve = startServe();
        RunClient restarted = new RunClient(serve.url());
        JsonNode status = restarted.follow(runId, it -> { }, 500);
        observer.close();

        String state = status.get("run").get("status").asText();
        assertThat(state).as(status.toString()).isIn("converged", "not-converged");
        JsonNode its = status.get("iterations");
        // one measurement per iteration, plus at most the result of the job in flight when the controller was
        // killed: the restarted controller records it (nothing measured is lost) but does not count it
        assertThat(status.get("run").get("measurements").asInt()).as("measurements").isBetween(its.size(),
                its.size() + 1);
        Set<String> jobs = new HashSet<>();
        Set<JsonNode> calibrationConfigs = new HashSet<>();
        for (JsonNode it : its) {
            assertThat(jobs.add(it.get("jobId").asText())).as("job counted once: " + it).isTrue();
            if (it.get("kind").asText().equals("calibration")) {
                assertThat(calibrationConfigs.add(it.get("bits"))).as("calibration measured once: " + it).isTrue();
            }
        }
        JsonNode firstJob = its.get(0);
        assertThat(firstJob.get("jobId").asText()).as("the job measured when the agent was killed: " + measuring
                + " in " + its).isEqualTo(measuring.jobId());
        assertThat(firstJob.get("attempt").asInt()).isEqualTo(2);
        assertThat(firstJob.get("agentId").asText()).isNotEqualTo(measuring.agentId());
        assertThat(status.get("run").get("reason").asText()).doesNotContain("failed");
    }
}
