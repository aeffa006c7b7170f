package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.fleet.DispatchLog;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.quant.PackedSize;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.MultipartBodies;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.profiles.DeviceProfiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's HTTP API with its embedded broker and H2 store and no agents: bad input gets a 4xx with a
 * clear message and leaves nothing behind; the OpenAPI document names every route; metrics are scraped.
 */
class ServiceApiTest {
    @TempDir
    static Path data;
    static ControllerService service;
    static RunClient client;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        service = ControllerService.start(new ControllerOptions().setDataDir(data).setHttpPort(0).setMqttPort(0)
                .setConcurrentRuns(1).setWaitForAgent(Duration.ofSeconds(2))
                .setSubmissionRate(1000, 1000)); // many refusals in a row from one client: not what is tested here
        base = "http://127.0.0.1:" + service.httpPort();
        client = new RunClient(base);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static RunRequest request(String deviceClass, Double maxSize, Double latencyMs) {
        return RunRequest.builder(deviceClass).maxSizeBytes(maxSize).maxLatencyMs(latencyMs).build();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Submits and expects a refusal; returns the message, after checking no run and no input was kept. */
    static String refused(RunRequest r, Path model, Map<String, Path> files) throws Exception {
        int runsBefore = service.runs().store().runs().size();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> client.submit(r, model, files));
        assertThat(t).isInstanceOf(UserInputException.class);
        assertThat(service.runs().store().runs()).hasSize(runsBefore);
        assertNothingStaged();
        return t.getMessage();
    }

    static void assertNothingStaged() throws Exception {
        Path runs = data.resolve("runs");
        if (Files.isDirectory(runs)) {
            try (Stream<Path> s = Files.list(runs)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
            }
        }
    }

    @Test
    void submit_unknownDeviceClass_400NamesTheKnownOnes() throws Exception {
        String why = refused(request("toaster", 40_000.0, null), Fixtures.model("resnet"), Map.of());
        assertThat(why).contains("unknown device class 'toaster'").contains("x86-64-generic");
    }

    /** The smallest packed ResNet fixture x86-64-generic allows, from the full analysis (BatchNorm folded). */
    static long smallestResnet() {
        return PackedSize.smallest(ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("resnet"))).layers(),
                DeviceProfiles.load("x86-64-generic").allowedBits());
    }

    static HttpResponse<String> postRun(RunRequest r, Path model) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Content-Type", MultipartBodies.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(
                        MultipartBodies.run(JSON.writeValueAsString(r), Files.readAllBytes(model)))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Verifies that a size budget one byte below the smallest model is refused by the request itself (counted from
     * the graph, no analysis), with one line naming the smallest achievable size.
     */
    @Test
    void submit_sizeBelowSmallestModel_400SaysWhatIsReachable() throws Exception {
        long smallest = smallestResnet();
        int runsBefore = service.runs().store().runs().size();

        HttpResponse<String> r = postRun(request("x86-64-generic", smallest - 1.0, null), Fixtures.model("resnet"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText())
                .isEqualTo("impossible budget: size budget " + (smallest - 1) + " bytes is below the smallest model "
                        + "x86-64-generic allows, " + smallest + " bytes");
        assertThat(service.runs().store().runs()).hasSize(runsBefore);
        assertNothingStaged();
    }

    /** Verifies that the check at submission is exact: a size budget of exactly the smallest model is accepted. */
    @Test
    void submit_sizeOfTheSmallestModel_isAccepted() throws Exception {
        HttpResponse<String> r = postRun(request("x86-64-generic", (double) smallestResnet(), null),
                Fixtures.model("resnet"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = JSON.readTree(r.body()).get("run").get("id").asText();
        assertThat(service.runs().store().run(id)).isPresent();
    }

    @Test
    void submit_notOnnx_400() throws Exception {
        Path fake = data.resolve("notes.onnx");
        Files.writeString(fake, "this is not a model");
        String why = refused(request("x86-64-generic", 40_000.0, null), fake, RunClient.calibrationFiles(Fixtures.data()));
        assertThat(why).containsIgnoringCase("onnx");
    }

    @Test
    void submit_negativeLatencyAndNoBudget_400() throws Exception {
        assertThat(refused(request("x86-64-generic", null, -3.0), Fixtures.model("resnet"), Map.of()))
                .contains("maxLatencyMs must be a positive number");
        assertThat(refused(request("x86-64-generic", null, null), Fixtures.model("resnet"), Map.of()))
                .contains("at least one budget");
    }

    @Test
    void submit_outputsModeWithoutCalibrationImages_400() throws Exception {
        RunRequest outputs = RunRequest.builder("x86-64-generic").maxSizeBytes(40_000.0).sensitivityMode("outputs")
                .build();
        assertThat(refused(outputs, Fixtures.model("resnet"), Map.of()))
                .contains("outputs-mode sensitivity needs calibration images");
    }

    /** Verifies that a latency-only run (no data set) on a W8A8 class is accepted rather than refused. */
    @Test
    void submit_integerClassWithoutCalibrationImages_isAccepted() throws Exception {
        String id = client.submit(request("x86-64-generic", 40_000.0, null), Fixtures.model("resnet"), Map.of());

        assertThat(service.runs().store().run(id)).isPresent();
        assertThat(data.resolve("runs").resolve(id).resolve("input/model.onnx")).isRegularFile();
        assertThat(data.resolve("runs").resolve(id).resolve("input/data")).doesNotExist();
    }

    @Test
    void submit_unknownRequestField_400() throws Exception {
        int before = service.runs().store().runs().size();
        assertThatThrownBy(() -> client.submit("{\"deviceClass\":\"x86-64-generic\",\"maxSize\":4}"
                .getBytes(StandardCharsets.UTF_8), Fixtures.model("resnet"), Map.of()))
                .isInstanceOf(UserInputException.class).hasMessageContaining("maxSize");
        assertThat(service.runs().store().runs()).hasSize(before);
    }

    @Test
    void submit_notMultipart_415() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("multipart/form-data");
    }

    @Test
    void runs_unknownOrMalformedId_404() throws Exception {
        String id = UUID.randomUUID().toString();
        for (String path : new String[] {"/api/runs/" + id, "/api/runs/" + id + "/report", "/api/runs/" + id + "/model",
                "/api/runs/not-a-run"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).get("error").asText()).as(path).startsWith("no run");
        }
        assertThat(get("/models/xyz").statusCode()).isEqualTo(400);
        assertThat(get("/models/" + "0".repeat(64)).statusCode()).isEqualTo(404);
    }

    @Test
    void run_noAgentOfTheClass_failsWithReasonAndNoResults() throws Exception {
        String id = client.submit(request("raspberry-pi-4", 60_000.0, null), Fixtures.model("resnet"),
                RunClient.calibrationFiles(Fixtures.data()));
        assertThat(Files.isRegularFile(data.resolve("runs").resolve(id).resolve("input/model.onnx"))).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> client.status(id).get("run").get("status").asText().equals("failed"));
        JsonNode run = client.status(id).get("run");
        assertThat(run.get("reason").asText()).contains("no online agent of device class raspberry-pi-4");
        HttpResponse<String> report = get("/api/runs/" + id + "/report");
        assertThat(report.statusCode()).isEqualTo(404);
        assertThat(report.body()).contains("failed");
        assertThat(get("/api/runs").body()).contains(id);
    }

    @Test
    void healthz_withoutToken_answersOk() throws Exception {
        HttpResponse<String> r = get("/healthz");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void openApi_documentsEveryRoute() throws Exception {
        HttpResponse<String> r = get("/openapi.yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = new YAMLMapper().readTree(r.body());
        Set<String> documented = new HashSet<>();
        doc.get("paths").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsExactlyInAnyOrder("/api/agents", "/api/events", "/api/device-classes", "/api/runs",
                "/api/runs/{id}", "/api/runs/{id}/attempts", "/api/runs/{id}/report", "/api/runs/{id}/report-html", "/api/runs/{id}/layers",
                "/api/runs/{id}/model", "/api/runs/{id}/cost-model", "/api/runs/{id}/profile", "/api/runs/{id}/tradeoff",
                "/api/agents/attempts",
                "/api/device-classes/cost-models", "/api/runs/{id}/benchmark", "/api/runs/{id}/cancel", "/models/{sha256}", "/metrics", "/health", "/healthz",
                "/");
        // every documented GET answers something other than "no such endpoint"
        for (String path : documented) {
            if (!doc.get("paths").get(path).has("get") || path.equals("/api/events")) {
                continue; // POST-only: /api/runs/{id}/cancel, covered by ServiceCancelTest; the stream never ends
            }
            String concrete = path.replace("{id}", UUID.randomUUID().toString()).replace("{sha256}", "0".repeat(64));
            assertThat(get(concrete).body()).as(path).doesNotContain("no such endpoint");
        }
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
    }

    /**
     * Verifies that the fleet page's endpoints give what the store holds: an attempt sent and not answered, and a
     * class's latest cost model with the run that fitted it.
     */
    @Test
    void fleetEndpoints_storedAttemptAndCostModel_areListed() throws Exception {
        RunStore store = service.runs().store();
        String run = UUID.randomUUID().toString();
        store.createRun(run, "m.onnx", "fleet-api-class", Map.of("latency", 1.0), RunStatus.RUNNING);
        store.dispatches().issued(new DispatchLog.IssuedAttempt("job-" + run, 1, "agent-f", run, Map.of("a", 8)));
        store.costModels().save("fleet-api-class", run, Map.of("remainderMs", 0.5));

        JsonNode attempts = JSON.readTree(get("/api/agents/attempts").body());
        JsonNode models = JSON.readTree(get("/api/device-classes/cost-models").body());

        assertThat(attempts.findValuesAsText("jobId")).contains("job-" + run);
        JsonNode model = null;
        for (JsonNode m : models) {
            model = m.get("deviceClass").asText().equals("fleet-api-class") ? m : model;
        }
        assertThat(model).isNotNull();
        assertThat(model.get("runId").asText()).isEqualTo(run);
        assertThat(model.get("model").get("remainderMs").asDouble()).isEqualTo(0.5);
    }

    /** Verifies that the dashboard and every script it names are served, and that it reads only endpoints the API has. */
    @Test
    void dashboard_servedAndUsesDocumentedEndpoints() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        StringBuilder scripts = new StringBuilder();
        java.util.regex.Matcher src = java.util.regex.Pattern.compile("(?:src|href)=\"(/dashboard/[a-z.-]+)\"")
                .matcher(r.body());
        while (src.find()) {
            HttpResponse<String> file = get(src.group(1));
            assertThat(file.statusCode()).as(src.group(1)).isEqualTo(200);
            scripts.append(file.body());
        }
        assertThat(scripts).contains("echarts", "SqCharts");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("json\\(\"(/api/[a-z-]+)").matcher(scripts);
        Set<String> used = new HashSet<>();
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).contains("/api/agents", "/api/runs");
        for (String path : used) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void metrics_prometheusTextWithTheServiceMeters() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("sigmaquant_jobs_total{state=\"dispatched\"}", "sigmaquant_jobs_in_flight",
                "sigmaquant_agents_online", "sigmaquant_measurement_seconds", "sigmaquant_prediction_error");
    }

    /** Verifies that where the time goes, the MQTT traffic and the JVM's heap, threads and GC are scraped too. */
    @Test
    void metrics_stageHistogramsMqttTrafficAndTheJvm() throws Exception {
        String body = get("/metrics").body();

        assertThat(body).contains("sigmaquant_dispatch_queue_seconds_bucket", "sigmaquant_dispatch_accept_seconds_bucket",
                "sigmaquant_result_handling_seconds_bucket", "sigmaquant_result_recorded_seconds_bucket",
                "sigmaquant_loop_fit_seconds_bucket",
                "sigmaquant_loop_solve_seconds_bucket", "le=\"0.05\"",
                "sigmaquant_mqtt_messages_total{direction=\"in\"}",
                "sigmaquant_mqtt_messages_total{direction=\"out\"}");
        assertThat(body).contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_max_bytes",
                "jvm_threads_live_threads", "jvm_threads_states_threads", "process_cpu_usage");
    }

    static String refusedJson(String json) throws Exception {
        int before = service.runs().store().runs().size();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> client.submit(
                json.getBytes(StandardCharsets.UTF_8), Fixtures.model("resnet"), Map.of()));
        assertThat(t).isInstanceOf(UserInputException.class);
        assertThat(service.runs().store().runs()).hasSize(before);
        return t.getMessage();
    }

    /** Verifies the issue's bad numbers: fractions, huge values and strings are refused naming the field. */
    @Test
    void submit_numbersOutOfRangeOrOfTheWrongKind_400NamesTheField() throws Exception {
        String budget = "\"deviceClass\":\"x86-64-generic\",\"maxSizeBytes\":40000";
        assertThat(refusedJson("{" + budget + ",\"batch\":1.5}")).contains("batch must be an integer");
        assertThat(refusedJson("{" + budget + ",\"batch\":2147483647}")).contains("batch must be between 1 and");
        assertThat(refusedJson("{" + budget + ",\"runs\":2147483647}")).contains("runs must be between 1 and");
        assertThat(refusedJson("{" + budget + ",\"threads\":100000}")).contains("threads must be between 0 and");
        assertThat(refusedJson("{" + budget + ",\"threads\":\"2\"}")).contains("threads must be an integer");
        assertThat(refusedJson("{\"deviceClass\":\"x86-64-generic\",\"maxSizeBytes\":\"40000\"}"))
                .contains("maxSizeBytes must be a number");
        assertThat(refusedJson("{" + budget + ",\"leaseSeconds\":99999999}")).contains("leaseSeconds must be between");
        assertThat(refusedJson("{" + budget + ",\"pairedReference\":1}")).contains("pairedReference must be true or false");
        assertThat(refusedJson("[1, 2]")).contains("the request must be a JSON object");
        assertNothingStaged();
    }

    @Test
    void submit_moreThreadsThanTheClassHasCores_400NamesThreads() throws Exception {
        RunRequest r = RunRequest.builder("x86-64-generic").maxSizeBytes(40_000.0).threads(8).build();
        assertThat(refused(r, Fixtures.model("resnet"), Map.of())).contains("threads must be at most 4");
    }

    @Test
    void submit_modelWithANaNWeight_400NamesTheInitializer() throws Exception {
        Path nan = data.resolve("nan.onnx");
        String initializer = Fixtures.withNaNWeight(nan);
        assertThat(refused(request("x86-64-generic", 40_000.0, null), nan, Map.of())).contains("'" + initializer + "'",
                "non-finite");
    }

    /** Verifies that a 50 MB 'request' form field is a 413, answered, rather than a 500. */
    @Test
    void submit_oversizedRequestField_413() throws Exception {
        String boundary = "sigmaquant-test";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + 50 * 1024 * 1024 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        java.util.Arrays.fill(body, head.length, body.length - tail.length, (byte) ' ');
        System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);

        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("larger than 64 KiB");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }
}
