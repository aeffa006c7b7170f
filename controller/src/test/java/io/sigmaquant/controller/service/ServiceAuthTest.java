package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.store.ApiTokens;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.MultipartBodies;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that requires tokens: 401 without a valid one, 403 for a viewer that writes, 202 for an operator,
 * 429 past a client's submission rate (also mid-upload); /health, /healthz, the dashboard and, without TLS,
 * /models stay open.
 */
class ServiceAuthTest {
    @TempDir
    static Path data;
    static ControllerService service;
    static String base;
    static ApiTokens.CreatedToken viewer;
    static ApiTokens.CreatedToken operator;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        // a burst of 2 and one a minute: the third quick submission of one client is refused
        service = ControllerService.start(new ControllerOptions().setDataDir(data).setHttpPort(0).setMqttPort(0)
                .setConcurrentRuns(1).setWaitForAgent(Duration.ofSeconds(1)).setRequireTokens(true)
                .setSubmissionRate(1, 2));
        base = "http://127.0.0.1:" + service.httpPort();
        viewer = service.runs().store().tokens().create("dashboard", ApiRole.VIEWER);
        operator = service.runs().store().tokens().create("ci", ApiRole.OPERATOR);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void api_noOrUnknownToken_401WithBearerChallenge() throws Exception {
        for (String path : new String[] {"/api/runs", "/api/agents", "/metrics"}) {
            HttpResponse<String> none = send("GET", path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Bearer"));
            assertThat(JSON.readTree(none.body()).get("error").asText()).contains("token");
            assertThat(send("GET", path, "sq_not-a-token").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(send("POST", "/api/runs", null).statusCode()).isEqualTo(401);
    }

    /** Verifies that the event stream is read with a viewer's token, as the rest of the API, and refused without. */
    @Test
    void events_viewerToken_streams_noToken401() throws Exception {
        assertThat(send("GET", "/api/events", null).statusCode()).isEqualTo(401);

        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(
                URI.create(base + "/api/events")).header("Authorization", "Bearer " + viewer.token()).build(),
                HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                    assertThat(t).startsWith("text/event-stream"));
            assertThat(lines.findFirst()).hasValue("retry: 3000");
        }
    }

    @Test
    void openRoutes_needNoToken() throws Exception {
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/openapi.yaml", null).statusCode()).isEqualTo(200);
    }

    @Test
    void viewer_readsButMayNotSubmit() throws Exception {
        assertThat(send("GET", "/api/runs", viewer.token()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", viewer.token()).statusCode()).isEqualTo(200);

        HttpResponse<String> post = send("POST", "/api/runs", viewer.token());

        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(post.body()).get("error").asText()).contains("viewer", "operator");
    }

    /** Verifies that cancelling is an operator's: none is a 401, a viewer a 403, an operator reaches the run. */
    @Test
    void cancel_needsAnOperatorToken() throws Exception {
        String path = "/api/runs/" + java.util.UUID.randomUUID() + "/cancel";

        assertThat(send("POST", path, null).statusCode()).isEqualTo(401);
        HttpResponse<String> byViewer = send("POST", path, viewer.token());
        assertThat(byViewer.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(byViewer.body()).get("error").asText()).contains("viewer", "operator");
        assertThat(send("POST", path, operator.token()).statusCode()).isEqualTo(404); // past access: no such run
    }

    @Test
    void operator_submitsARun_202() throws Exception {
        RunClient client = new RunClient(base, operator.token(), null);

        String id = client.submit(RunRequest.builder("x86-64-generic").maxSizeBytes(40_000.0).build(),
                Fixtures.model("resnet"), Map.of());

        assertThat(service.runs().store().run(id)).isPresent();
        assertThat(send("GET", "/api/runs/" + id, viewer.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void revokedToken_401() throws Exception {
        ApiTokens.CreatedToken leaked = service.runs().store().tokens().create("leaked", ApiRole.OPERATOR);
        assertThat(send("GET", "/api/runs", leaked.token()).statusCode()).isEqualTo(200);

        service.runs().store().tokens().revoke("leaked");

        assertThat(send("GET", "/api/runs", leaked.token()).statusCode()).isEqualTo(401);
    }

    @Test
    void submissions_pastTheClientsBurst_429WithRetryAfter() throws Exception {
        ApiTokens.CreatedToken script = service.runs().store().tokens().create("script", ApiRole.OPERATOR);
        // not multipart, so refused with 415 once past the limit check: each still spends a submission
        assertThat(send("POST", "/api/runs", script.token()).statusCode()).isEqualTo(415);
        assertThat(send("POST", "/api/runs", script.token()).statusCode()).isEqualTo(415);

        HttpResponse<String> third = send("POST", "/api/runs", script.token());

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isPositive());
        // another client is not held back by this one
        assertThat(send("GET", "/api/runs", script.token()).statusCode()).isEqualTo(200);
    }

    /**
     * Verifies that a 429 reaches a client still sending a large multipart upload: the request paused for the
     * token check is read on, not left stalled. Only the status is asserted; the timeout is a generous backstop.
     */
    @Test
    void submissions_realUploadPastTheBurst_429Arrives() throws Exception {
        ApiTokens.CreatedToken script = service.runs().store().tokens().create("uploader", ApiRole.OPERATOR);
        byte[] body = multipart(new byte[16 * 1024 * 1024]); // not a model: refused, yet it spends a submission
        int[] codes = new int[3];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + script.token())
                    .header("Content-Type", MultipartBodies.CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        }

        assertThat(codes[0]).isNotEqualTo(429);
        assertThat(codes[1]).isNotEqualTo(429);
        assertThat(codes[2]).isEqualTo(429);
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    /** Verifies the documented rule: without TLS no agent can present a certificate, so /models is not guarded. */
    @Test
    void models_tokensWithoutTls_stayOpenForAgents() throws Exception {
        String sha = service.models().put(new byte[] {1, 2, 3});

        assertThat(send("GET", "/models/" + sha, null).statusCode()).isEqualTo(200);
    }

    static byte[] multipart(byte[] model) {
        return MultipartBodies.run("{\"deviceClass\":\"x86-64-generic\",\"maxSizeBytes\":40000}", model);
    }
}
