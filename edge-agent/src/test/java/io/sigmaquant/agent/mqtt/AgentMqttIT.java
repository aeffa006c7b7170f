package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An agent against a real Mosquitto, fetching fixtures from a real HTTP server, measuring with ONNX Runtime. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AgentMqttIT {
    static TestBroker broker;
    static ModelServer models;
    static AgentRuntime agent;
    static ControllerClient controller;
    static byte[] resnet;
    static String resnetUrl;

    @TempDir
    static Path cacheDir;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        models = new ModelServer();
        resnet = Files.readAllBytes(Fixtures.model("resnet"));
        resnetUrl = models.serve("resnet", resnet);
        controller = new ControllerClient(broker.url(), "test-controller");
        agent = AgentRuntime.start(new AgentOptions(broker.url(), "agent-it", "x86-64-generic").setEnergy("estimate")
                .setCacheDir(cacheDir).setCacheCapBytes(64L << 20).setMaxModelBytes(1L << 20).setQueueCapacity(16)
                .setMetricsPort(0));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> controller.status.containsKey("agent-it"));
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        controller.close();
        models.close();
        broker.close();
    }

    private static void awaitFinal(String jobId) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> controller.results.stream().anyMatch(m ->
                (m instanceof JobResult r && r.jobId().equals(jobId)) || (m instanceof JobError e && jobId.equals(e.jobId()))));
    }

    @Test
    void status_onConnect_isRetainedWithCapabilities() {
        AgentStatus s = controller.status.get("agent-it");
        assertThat(s.state()).isEqualTo(AgentStatus.ONLINE);
        assertThat(s.deviceClass()).isEqualTo("x86-64-generic");
        assertThat(s.capabilities().onnxRuntimeVersion()).isEqualTo("1.23.2");
        assertThat(s.capabilities().executionProviders()).contains("CPU");
        assertThat(s.capabilities().executionProvider()).as("the default, in use").isEqualTo("CPU");
        assertThat(s.capabilities().energyMeter()).isEqualTo("estimate");
    }

    /**
     * Verifies a measured job end to end. The per-node check: the profiled kernel times must add up to between
     * a quarter and 1.5 times the end-to-end median — kernels are most of an inference, and the rest is the
     * session's own work between them, while profiling adds a little to each kernel.
     */
    @Test
    void job_fixtureModel_isAcceptedProgressesAndReturnsConsistentPerNodeTimes() throws Exception {
        controller.send("agent-it", Jobs.job("it-1", resnetUrl, resnet, Jobs.inAMinute()));
        awaitFinal("it-1");
        assertThat(controller.of(JobAccepted.class)).anyMatch(a -> a.jobId().equals("it-1"));
        assertThat(controller.of(JobProgress.class)).filteredOn(p -> p.jobId().equals("it-1"))
                .extracting(JobProgress::phase).contains("downloading", "warming-up", "measuring", "profiling");
        JobResult r = controller.of(JobResult.class).stream().filter(x -> x.jobId().equals("it-1")).findFirst().orElseThrow();
        double nodesMs = r.nodes().stream().mapToDouble(JobResult.NodeTime::micros).sum() / 1000;
        assertThat(nodesMs).isBetween(0.25 * r.latency().medianMs(), 1.5 * r.latency().medianMs());
        assertThat(r.nodes()).anyMatch(n -> n.op().equals("Conv"));
        assertThat(r.latency().p99Ms()).isGreaterThanOrEqualTo(r.latency().medianMs());
        assertThat(r.modelSha256()).isEqualTo(ModelServer.sha256(resnet));
        assertThat(r.executionProvider()).isEqualTo("CPU");
    }

    @Test
    void job_sameIdTwice_yieldsOneMeasurement() throws Exception {
        MeasurementJob job = Jobs.job("it-dup", resnetUrl, resnet, Jobs.inAMinute());
        controller.send("agent-it", job);
        controller.send("agent-it", job);
        awaitFinal("it-dup");
        Thread.sleep(1500);
        assertThat(controller.of(JobResult.class)).filteredOn(r -> r.jobId().equals("it-dup")).hasSize(1);
        assertThat(controller.of(JobAccepted.class)).filteredOn(a -> a.jobId().equals("it-dup")).hasSize(1);
    }

    @Test
    void badJobs_eachGetAnErrorNamingTheCause_andTheAgentKeepsServing() throws Exception {
        byte[] notOnnx = "not an onnx model".getBytes(StandardCharsets.UTF_8);
        byte[] big = new byte[2 << 20];
        String wrongSha = ModelServer.sha256("something else".getBytes(StandardCharsets.UTF_8));
        controller.sendRaw("agent-it", "{\"schemaVersion\":\"1.0\",\"type\":\"job\",".getBytes(StandardCharsets.UTF_8));
        String v2 = new String(new io.sigmaquant.protocol.MessageCodec().encode(
                Jobs.job("it-v2", resnetUrl, resnet, Jobs.inAMinute())), StandardCharsets.UTF_8).replace("\"" + Messages.SCHEMA_VERSION + "\"", "\"2.0\"");
        controller.sendRaw("agent-it", v2.getBytes(StandardCharsets.UTF_8));
        controller.send("agent-it", Jobs.job("it-sha", resnetUrl, wrongSha, resnet.length, Jobs.inAMinute(), List.of()));
        controller.send("agent-it", Jobs.job("it-big", models.serve("big", big), big, Jobs.inAMinute()));
        controller.send("agent-it", Jobs.job("it-gone", "http://127.0.0.1:1/models/x",
                "a model nobody serves".getBytes(StandardCharsets.UTF_8), Jobs.inAMinute()));
        controller.send("agent-it", Jobs.job("it-junk", models.serve("junk", notOnnx), notOnnx, Jobs.inAMinute()));
        controller.send("agent-it", Jobs.job("it-after", resnetUrl, resnet, Jobs.inAMinute()));
        awaitFinal("it-after");

        assertThat(controller.of(JobError.class)).extracting(JobError::code).contains(JobError.Codes.MALFORMED);
        assertError("it-v2", JobError.Codes.UNSUPPORTED_VERSION);
        assertError("it-sha", JobError.Codes.CHECKSUM_MISMATCH);
        assertError("it-big", JobError.Codes.SIZE_LIMIT);
        assertError("it-gone", JobError.Codes.DOWNLOAD_FAILED);
        assertError("it-junk", JobError.Codes.MODEL_REJECTED);
        assertThat(controller.of(JobResult.class)).anyMatch(r -> r.jobId().equals("it-after"));
        try (var files = Files.list(cacheDir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("only verified, loadable models stay cached").containsOnly(ModelServer.sha256(resnet) + ".onnx");
        }
    }

    @Test
    void metrics_prometheusEndpoint_countsJobs() throws Exception {
        controller.send("agent-it", Jobs.job("it-metrics", resnetUrl, resnet, Jobs.inAMinute()));
        awaitFinal("it-metrics");
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("sigmaquant_agent_jobs_total{outcome=\"result\"}")
                .contains("sigmaquant_agent_measurement_duration_seconds");
    }

    private static void assertError(String jobId, String code) {
        assertThat(controller.of(JobError.class)).filteredOn(e -> jobId.equals(e.jobId()))
                .as(jobId).singleElement().satisfies(e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.reason()).isNotBlank();
                });
    }
}
