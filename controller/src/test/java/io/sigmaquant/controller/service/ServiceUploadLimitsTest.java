package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open loopback service with its defaults: a 'request' part too large for a JSON object is a 413 however it
 * is sent, and local clients, who all share 127.0.0.1, are not rate-limited.
 */
class ServiceUploadLimitsTest {
    @TempDir
    static Path data;
    static ControllerService service;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOUNDARY = "sigmaquant-test";

    @BeforeAll
    static void start() throws Exception {
        service = ControllerService.start(new ControllerOptions().setDataDir(data).setHttpPort(0).setMqttPort(0)
                .setWaitForAgent(Duration.ofSeconds(1)));
        base = "http://127.0.0.1:" + service.httpPort();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Verifies that a 'request' sent as a file part, which the form field cap does not see, is a 413 too. */
    @Test
    void submit_requestPartSentAsALargeFile_413() throws Exception {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"m.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nmodel\r\n--" + BOUNDARY + "\r\nContent-Disposition: "
                + "form-data; name=\"request\"; filename=\"request.json\"\r\nContent-Type: application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(head, head.length + 1024 * 1024 + tail.length);
        Arrays.fill(body, head.length, body.length - tail.length, (byte) ' ');
        System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);

        HttpResponse<String> r = post("multipart/form-data; boundary=" + BOUNDARY, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("'request'", "64 KiB");
        assertThat(service.runs().store().runs()).isEmpty();
    }

    @Test
    void submissions_openLoopbackService_areNotRateLimited() throws Exception {
        for (int i = 0; i < ControllerOptions.DEFAULT_SUBMISSION_BURST + 5; i++) {
            // not multipart: refused with 415 after the (absent) limit would have counted it
            assertThat(post("application/json", new byte[] {'{', '}'}).statusCode()).as("submission " + i)
                    .isEqualTo(415);
        }
    }
}
