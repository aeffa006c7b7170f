package io.sigmaquant.controller.fleetbench;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.controller.UserInputException;
import java.nio.file.Path;
import io.sigmaquant.protocol.message.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N agents in this process, each the agent's own {@link AgentRuntime} with the simulating executor: its own MQTT
 * session, retained status and Last Will, and measurements from the profile's cost model. Connected a group at a
 * time (each waits for its CONNACK), the device classes dealt round-robin. An agent can be crashed (its socket
 * dropped without DISCONNECT, so the broker publishes its Last Will) and started again under the same id.
 */
final class SimulatedFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    /** Guarded by itself; by id, in start order. */
    private final Map<String, AgentRuntime> running = new LinkedHashMap<>();
    private final Map<String, AgentOptions> settings = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final Path cacheDir;
    private final Consumer<Message> replies;

    /** @param replies receives every job reply an agent published (the broker acknowledged it) */
    SimulatedFleet(int connectBatch, Path cacheDir, Consumer<Message> replies) {
        this.replies = replies;
        this.pool = Executors.newFixedThreadPool(connectBatch, r -> {
            Thread t = new Thread(r, "fleet-connect");
            t.setDaemon(true);
            return t;
        });
        this.cacheDir = cacheDir;
    }

    /** The agent id of the i-th agent: its class in the name, so a log line says what it is. */
    static String agentId(int i, String deviceClass) {
        return String.format("bench-%s-%04d", deviceClass, i);
    }

    /**
     * Starts the agents in groups of the pool's size, each group after the previous one is connected; stops
     * early, leaving the rest unstarted, when {@code deadlineMs} passes.
     *
     * @param classes the device class of agent i is {@code classes.get(i % size)}
     */
    void start(String brokerUrl, int agents, List<String> classes, int batch, long deadlineMs)
            throws InterruptedException {
        for (int from = 0; from < agents && System.currentTimeMillis() < deadlineMs; from += batch) {
            List<Future<?>> group = new ArrayList<>();
            for (int i = from; i < Math.min(agents, from + batch); i++) {
                String deviceClass = classes.get(i % classes.size());
                String id = agentId(i, deviceClass);
                AgentOptions options = new AgentOptions(brokerUrl, id, deviceClass).setSimulate(true)
                        .setCacheDir(cacheDir.resolve(id)).setPublishedReplies(replies);
                settings.put(id, options);
                group.add(pool.submit(() -> {
                    try {
                        AgentRuntime a = AgentRuntime.start(options);
                        synchronized (running) {
                            running.put(id, a);
                        }
                    } catch (Exception e) {
                        failures.put(id, String.valueOf(e.getMessage()).lines().findFirst().orElse("?"));
                    }
                }));
            }
            for (Future<?> f : group) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.warn("an agent did not start: {}", e.getCause().toString());
                }
            }
            if (from == 0 && started() == 0) { // the broker is wrong or down: no use trying the other groups
                throw new UserInputException("no agent could connect to " + brokerUrl + ": "
                        + failures.values().stream().findFirst().orElse("?"));
            }
        }
    }

    int started() {
        synchronized (running) {
            return running.size();
        }
    }

    /** The ids of the agents running now. */
    List<String> runningIds() {
        synchronized (running) {
            return List.copyOf(running.keySet());
        }
    }

    /**
     * Crashes a running agent: its MQTT socket is closed without DISCONNECT (the broker publishes its Last Will)
     * and what it was measuring is lost.
     *
     * @return false when no agent of that id was running
     */
    boolean crash(String id) {
        AgentRuntime a;
        synchronized (running) {
            a = running.remove(id);
        }
        if (a == null) {
            return false;
        }
        try {
            a.crash();
        } catch (Exception e) {
            LOG.debug("crashing {}: {}", id, e.toString());
        }
        return true;
    }

    /** Starts a crashed agent again under the same id and settings (its MQTT session resumes at the broker). */
    void restart(String id) throws Exception {
        AgentOptions options = settings.get(id);
        if (options == null) {
            throw new IllegalArgumentException("no simulated agent " + id);
        }
        AgentRuntime a = AgentRuntime.start(options);
        synchronized (running) {
            running.put(id, a);
        }
    }

    /** Agents that could not connect, with the first line of why. */
    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** Closes every agent (in parallel: a Paho disconnect waits for the broker), then the pool. */
    @Override
    public void close() throws InterruptedException {
        List<AgentRuntime> all;
        synchronized (running) {
            all = new ArrayList<>(running.values());
            running.clear();
        }
        List<Future<?>> closing = new ArrayList<>();
        for (AgentRuntime a : all) {
            closing.add(pool.submit(() -> {
                try {
                    a.close();
                } catch (Exception e) {
                    LOG.debug("closing an agent: {}", e.toString());
                }
            }));
        }
        for (Future<?> f : closing) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("an agent did not close in time: {}", e.toString());
            }
        }
        pool.shutdownNow();
    }
}
