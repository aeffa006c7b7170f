package io.sigmaquant.controller.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sigmaquant.controller.UserInputException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a stand-in server that answers 429 with Retry-After before (or instead of) taking a run. */
class RunClientTest {
    @TempDir
    Path dir;
    final AtomicInteger posts = new AtomicInteger();
    HttpServer server;

    /** A server refusing the first {@code refusals} submissions with {@code Retry-After: retryAfter}. */
    RunClient client(int refusals, String retryAfter) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/runs", ex -> {
            ex.getRequestBody().readAllBytes();
            if (posts.incrementAndGet() <= refusals) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
                answer(ex, 429, "{\"error\":\"too many run submissions\"}");
            } else {
                answer(ex, 202, "{\"run\":{\"id\":\"run-1\"}}");
            }
        });
        server.start();
        return new RunClient("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String submit(RunClient client) throws Exception {
        Path model = Files.write(dir.resolve("m.onnx"), new byte[] {1, 2, 3});
        return client.submit("{}".getBytes(StandardCharsets.UTF_8), model, Map.of());
    }

    @Test
    void submit_429WithRetryAfter_waitsAndRetries() throws Exception {
        RunClient client = client(2, "0");

        assertThat(submit(client)).isEqualTo("run-1");
        assertThat(posts).hasValue(3);
    }

    @Test
    void submit_429EveryTime_givesUpAfterAFewRetriesWithTheServersMessage() throws Exception {
        RunClient client = client(Integer.MAX_VALUE, "0");

        assertThatThrownBy(() -> submit(client)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("too many run submissions");
        assertThat(posts).hasValue(RunClient.MAX_RETRIES + 1);
    }

    @Test
    void submit_retryAfterLongerThanAMinute_isReportedAtOnce() throws Exception {
        RunClient client = client(1, "3600");

        assertThatThrownBy(() -> submit(client)).isInstanceOf(UserInputException.class);
        assertThat(posts).hasValue(1);
    }
}
