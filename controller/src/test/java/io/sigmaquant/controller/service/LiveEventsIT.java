package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies {@code GET /api/events} end to end: {@code serve} as a process on a real Mosquitto with a simulated agent
 * process; a client following the stream sees the agent come online, the run it submits created, each of its
 * iterations (the same as {@code GET /api/runs/{id}} then lists) and its end.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiveEventsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An event as read from the stream. */
    record Event(String type, JsonNode data) {
    }

    @TempDir
    Path dir;

    @Test
    void events_runOnSimulatedAgent_streamsAgentRunIterationsAndEnd() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ServeProcess serve = ServeProcess.start(dir.resolve("serve"), dir.resolve("serve.log"), "--broker",
                     broker.url(), "--wait-for-agent-s", "120");
             AgentProcesses agents = new AgentProcesses()) {
            HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(serve.url() + "/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
            BlockingQueue<Event> events = follow(stream.body());
            agents.start(broker.url(), "sse-1", "x86-64-generic", dir, "--simulate");
            Event online = next(events, e -> e.type().equals("agent") && e.data().get("online").asBoolean());
            assertThat(online.data().get("id").asText()).isEqualTo("sse-1");

            String id = new RunClient(serve.url()).submit(RunRequest.builder("x86-64-generic")
                    .maxSizeBytes(40_000.0).build(), Fixtures.model("resnet"), Map.of());

            assertThat(next(events, e -> e.type().equals("run-created")).data().get("id").asText()).isEqualTo(id);
            List<JsonNode> iterations = new ArrayList<>();
            Event end;
            while (true) {
                Event e = next(events, x -> x.type().startsWith("iteration") || x.type().equals("run-ended"));
                if (e.type().equals("run-ended")) {
                    end = e;
                    break;
                }
                assertThat(e.data().get("runId").asText()).isEqualTo(id);
                iterations.add(e.data().get("iteration"));
            }
            assertThat(end.data().get("id").asText()).isEqualTo(id);
            assertThat(iterations).isNotEmpty();
            JsonNode stored = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(serve.url() + "/api/runs/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(iterations).containsExactlyElementsOf(stored.get("iterations"));
            stream.body().close();
        }
    }

    /** Reads the stream on a thread of its own into a queue of events. */
    private static BlockingQueue<Event> follow(Stream<String> lines) {
        BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            String[] type = {null};
            try {
                lines.forEach(line -> {
                    if (line.startsWith("event: ")) {
                        type[0] = line.substring(7);
                    } else if (line.startsWith("data: ") && type[0] != null) {
                        try {
                            queue.add(new Event(type[0], JSON.readTree(line.substring(6))));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        type[0] = null;
                    }
                });
            } catch (RuntimeException closed) {
                // the stream was closed by the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    /** The next event that matches, skipping others; fails after a generous wait. */
    private static Event next(BlockingQueue<Event> events, java.util.function.Predicate<Event> wanted)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < until) {
            Event e = events.poll(1, TimeUnit.SECONDS);
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no such event within 3 minutes");
    }
}
