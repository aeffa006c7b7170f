package io.sigmaquant.controller.fleetbench;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.controller.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N agents in this process, each the agent's own {@link AgentRuntime} with the simulating executor: its own MQTT
 * session, retained status and Last Will, and measurements from the profile's cost model. Connected a group at a
 * time (each waits for its CONNACK), the device classes dealt round-robin.
 */
final class SimulatedFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedFleet.class);

    private final List<AgentRuntime> running = new ArrayList<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final Path cacheDir;

    SimulatedFleet(int connectBatch, Path cacheDir) {
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
            List<Future<AgentRuntime>> group = new ArrayList<>();
            for (int i = from; i < Math.min(agents, from + batch); i++) {
                String deviceClass = classes.get(i % classes.size());
                String id = agentId(i, deviceClass);
                AgentOptions options = new AgentOptions(brokerUrl, id, deviceClass).setSimulate(true)
                        .setCacheDir(cacheDir.resolve(id));
                group.add(pool.submit(() -> {
                    try {
                        return AgentRuntime.start(options);
                    } catch (Exception e) {
                        failures.put(id, String.valueOf(e.getMessage()).lines().findFirst().orElse("?"));
                        return null;
                    }
                }));
            }
            for (Future<AgentRuntime> f : group) {
                try {
                    AgentRuntime a = f.get();
                    if (a != null) {
                        synchronized (running) {
                            running.add(a);
                        }
                    }
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

    /** Agents that could not connect, with the first line of why. */
    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** Closes every agent (in parallel: a Paho disconnect waits for the broker), then the pool. */
    @Override
    public void close() throws InterruptedException {
        List<AgentRuntime> all;
        synchronized (running) {
            all = new ArrayList<>(running);
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
