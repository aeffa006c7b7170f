package io.sigmaquant.controller.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.store.RunListener;
import io.sigmaquant.controller.store.RunStore;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: what happens to runs and agents, as server-sent events for the dashboard —
 * {@code run-created}, {@code run-status}, {@code run-ended} ({@code {"id", "status", "reason", ...}}),
 * {@code iteration} ({@code {"runId", "iteration"}}, the iteration as {@code GET /api/runs/{id}} lists it) and
 * {@code agent} (an agent as {@code GET /api/agents} lists it). Only this replica's events: a client reads the
 * state from the API first, then follows the events.
 *
 * <p>A client that does not keep up is dropped, never waited for: each frame is handed to the client's event loop,
 * and a client with {@link #MAX_PENDING_FRAMES} frames not yet handed on, or whose connection's write queue is full
 * ({@link #CLIENT_BUFFER_BYTES}), is disconnected (an EventSource reconnects and reads the state again).
 */
final class LiveEvents implements RunListener, FleetRegistry.Observer, Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    /** A comment this often keeps proxies (nginx's default read timeout is 60 s) from closing a quiet stream. */
    static final long HEARTBEAT_MS = 15_000;
    /** Bytes a connection may have queued unsent: a few hundred events; a reading client never gets near it. */
    static final int CLIENT_BUFFER_BYTES = 256 * 1024;
    /** Frames handed to a client's event loop and not yet written. */
    static final int MAX_PENDING_FRAMES = 1000;
    /**
     * An agent's status repeats every heartbeat (2 s) unchanged: sent on a change, else at most this often, so
     * that a large fleet does not flood every dashboard while "last heard" still moves.
     */
    static final long AGENT_REPEAT_MS = 10_000;
    private static final ObjectWriter JSON = JsonFiles.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Vertx vertx;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final Map<String, FleetRegistry.Agent> agentsSent = new ConcurrentHashMap<>();
    private final long heartbeatMs;
    private final int clientBufferBytes;

    LiveEvents(Vertx vertx) {
        this(vertx, HEARTBEAT_MS, CLIENT_BUFFER_BYTES);
    }

    /** With another heartbeat period and client buffer (tests shorten both). */
    LiveEvents(Vertx vertx, long heartbeatMs, int clientBufferBytes) {
        this.vertx = vertx;
        this.heartbeatMs = heartbeatMs;
        this.clientBufferBytes = clientBufferBytes;
    }

    /** Hears the store and the fleet from now on. */
    LiveEvents listenTo(RunStore store, FleetRegistry fleet) {
        store.addListener(this);
        fleet.addObserver(this);
        return this;
    }

    /** Clients connected now. */
    int clients() {
        return clients.size();
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx: pass each event on as it comes
        response.setWriteQueueMaxSize(clientBufferBytes);
        Client client = new Client(response, vertx.getOrCreateContext());
        long timer = vertx.setPeriodic(heartbeatMs, id -> client.offer(": heartbeat\n\n"));
        response.closeHandler(v -> {
            clients.remove(client);
            vertx.cancelTimer(timer);
        });
        clients.add(client);
        // the retry hint for EventSource, and something to read at once: headers and a first chunk go out now
        response.write("retry: 3000\n: connected\n\n");
    }

    @Override
    public void created(String runId, String model, String deviceClass, Map<String, Double> budgets,
                        RunStatus status) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", runId);
        run.put("model", model);
        run.put("deviceClass", deviceClass);
        run.put("budgets", budgets);
        run.put("status", status);
        publish("run-created", run);
    }

    @Override
    public void statusChanged(String runId, RunStatus status, String reason) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", runId);
        run.put("status", status);
        run.put("reason", reason);
        publish(status.finished() ? "run-ended" : "run-status", run);
    }

    @Override
    public void iterationRecorded(String runId, RunStore.StoredIteration iteration) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("runId", runId);
        event.put("iteration", iteration);
        publish("iteration", event);
    }

    @Override
    public void changed(FleetRegistry.Agent agent) {
        FleetRegistry.Agent before = agentsSent.get(agent.id());
        if (before != null && sameState(before, agent) && agent.lastSeenMs() - before.lastSeenMs() < AGENT_REPEAT_MS) {
            return;
        }
        agentsSent.put(agent.id(), agent);
        publish("agent", agent);
    }

    private static boolean sameState(FleetRegistry.Agent a, FleetRegistry.Agent b) {
        return a.online() == b.online() && a.stale() == b.stale() && Objects.equals(a.jobsHeld(), b.jobsHeld())
                && Objects.equals(a.deviceClass(), b.deviceClass()) && Objects.equals(a.heartbeatS(), b.heartbeatS());
    }

    /** Sends an event to every client; from any thread, never blocking. */
    void publish(String type, Object data) {
        if (clients.isEmpty()) {
            return;
        }
        String frame;
        try {
            frame = "event: " + type + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            LOG.warn("cannot send a {} event: {}", type, e.getMessage());
            return;
        }
        clients.forEach(c -> c.offer(frame));
    }

    /** One connected client, written to on its own event loop. */
    private final class Client {
        private final HttpServerResponse response;
        private final Context context;
        private final AtomicInteger pending = new AtomicInteger();

        Client(HttpServerResponse response, Context context) {
            this.response = response;
            this.context = context;
        }

        void offer(String frame) {
            if (pending.incrementAndGet() > MAX_PENDING_FRAMES) {
                drop();
                return;
            }
            context.runOnContext(v -> {
                pending.decrementAndGet();
                if (!clients.contains(this)) {
                    return;
                }
                if (response.writeQueueFull()) {
                    drop();
                } else {
                    response.write(frame);
                }
            });
        }

        void drop() {
            if (clients.remove(this)) {
                LOG.info("an event stream client is not keeping up: disconnected");
                context.runOnContext(v -> response.reset());
            }
        }
    }
}
