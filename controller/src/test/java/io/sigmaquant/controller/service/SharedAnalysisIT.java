package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.PostgresSchema;
import io.sigmaquant.controller.testing.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of one model share its analysis and sensitivity table: {@code serve} processes on one PostgreSQL schema, one
 * Mosquitto and one shared folder, with two simulated agents. Counted on {@code /metrics}, never timed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SharedAnalysisIT {
    static final String CLASS = "x86-64-generic";

    @TempDir
    Path work;

    /**
     * Verifies that two runs of one model submitted together analyse it and compute its sensitivity table once, and
     * that another replica on the same shared folder — as a restarted controller would — reads the table instead of
     * computing it.
     */
    @Test
    void twoConcurrentRunsOfOneModel_computeItsAnalysisAndSensitivityOnce() throws Exception {
        try (TestBroker broker = TestBroker.start(); PostgresSchema schema = PostgresSchema.create();
             AgentProcesses agents = new AgentProcesses()) {
            for (String id : List.of("sim-a", "sim-b")) {
                agents.start(broker.url(), id, CLASS, work, "--simulate");
            }
            Path shared = Files.createDirectories(work.resolve("shared"));
            try (ServeProcess first = replica("r1", broker, schema, shared)) {
                RunClient client = new RunClient(first.url());
                String a = client.submit(request(1), Fixtures.model("resnet"), Map.of());
                String b = client.submit(request(2), Fixtures.model("resnet"), Map.of());
                awaitFinished(client, a, b);

                String scrape = scrape(first);
                assertThat(sample(scrape, "sigmaquant_analysis_computed_total")).isEqualTo(1);
                assertThat(sample(scrape, "sigmaquant_sensitivity_computed_total")).isEqualTo(1);
            }
            try (ServeProcess second = replica("r2", broker, schema, shared)) {
                RunClient client = new RunClient(second.url());
                String c = client.submit(request(3), Fixtures.model("resnet"), Map.of());
                awaitFinished(client, c);

                String scrape = scrape(second);
                assertThat(sample(scrape, "sigmaquant_sensitivity_computed_total")).isZero();
                assertThat(sample(scrape, "sigmaquant_sensitivity_reused_total")).isEqualTo(1);
            }
        }
    }

    private static RunRequest request(long seed) {
        return RunRequest.builder(CLASS).latencyFraction(0.9).maxIterations(4).seed(seed).build().validate();
    }

    private ServeProcess replica(String name, TestBroker broker, PostgresSchema schema, Path shared) throws Exception {
        return ServeProcess.start(work.resolve(name), work.resolve(name + ".log"), "--broker", broker.url(),
                "--store-url", schema.url(), "--store-user", PostgresSchema.USER, "--shared-dir", shared.toString(),
                "--concurrent-runs", "2", "--mqtt-session-expiry-s", "0", "--wait-for-agent-s", "120");
    }

    private static void awaitFinished(RunClient client, String... ids) {
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (String id : ids) {
                JsonNode run = client.status(id).get("run");
                if (List.of("queued", "running").contains(run.get("status").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String scrape(ServeProcess serve) throws Exception {
        // HTTP/1.1: the client's default h2c upgrade request can go unanswered on a plain-HTTP Vert.x server
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create(serve.url() + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sample(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(
                "no sample " + name + " in\n" + scrape));
    }
}
