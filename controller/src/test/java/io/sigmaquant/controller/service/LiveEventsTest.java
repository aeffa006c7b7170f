package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.fleet.FleetRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The event stream's hub on a real Vert.x server: heartbeats, events in order, a slow client dropped. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveEventsTest {
    private Vertx vertx;
    private LiveEvents events;
    private HttpServer server;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // a heartbeat every 200 ms and a 4 KiB client buffer, so that both show quickly
        events = new LiveEvents(vertx, 200, 4096);
        Router router = Router.router(vertx);
        router.get("/api/events").handler(events);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", server.actualPort());
        OutputStream out = s.getOutputStream();
        out.write("GET /api/events HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Verifies that a connected client gets heartbeat comments and then a published event as one frame. */
    @Test
    void publish_connectedClient_getsHeartbeatsAndTheEvent() throws Exception {
        try (Socket s = connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.clients() == 1);
            assertThat(readUntil(in, ": heartbeat")).isTrue();

            events.publish("run-status", Map.of("status", "running")); // one key: Map.of has no order

            assertThat(readUntil(in, "event: run-status")).isTrue();
            assertThat(in.readLine()).isEqualTo("data: {\"status\":\"running\"}");
        }
    }

    /** Verifies that an agent's unchanged heartbeat is not sent again within the repeat period, and a change is. */
    @Test
    void changed_heartbeatWithoutChange_isNotRepeated_offlineIs() throws Exception {
        try (Socket s = connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.clients() == 1);

            events.changed(agent(true, 1_000));
            events.changed(agent(true, 3_000)); // the next heartbeat, 2 s later: nothing new
            events.changed(agent(false, 4_000));

            assertThat(readUntil(in, "event: agent")).isTrue();
            assertThat(in.readLine()).contains("\"online\":true", "\"lastSeenMs\":1000");
            assertThat(readUntil(in, "event: agent")).isTrue();
            assertThat(in.readLine()).contains("\"online\":false", "\"lastSeenMs\":4000");
        }
    }

    private static FleetRegistry.Agent agent(boolean online, long lastSeenMs) {
        return new FleetRegistry.Agent("a-1", "x86-64-generic", online, lastSeenMs, null, "1.5", 2, false, 0);
    }

    /**
     * Verifies that a client that reads nothing is disconnected once its connection's buffer is full, while the
     * publisher never waits for it.
     */
    @Test
    void publish_clientReadsNothing_isDropped() throws Exception {
        try (Socket s = connect()) {
            s.setReceiveBufferSize(4096);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.clients() == 1);
            String big = "x".repeat(16 * 1024);

            // the kernel's socket buffers take some megabytes first: publish until the hub gives up on the client
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (int i = 1; events.clients() > 0 && System.nanoTime() < until; i++) {
                events.publish("agent", Map.of("padding", big));
                if (i % 50 == 0) {
                    Thread.sleep(10); // lets the event loop write, as between real events
                }
            }

            assertThat(events.clients()).isZero();
        }
    }

    private static boolean readUntil(BufferedReader in, String line) throws Exception {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
            if (l.equals(line)) {
                return true;
            }
        }
        return false;
    }
}
