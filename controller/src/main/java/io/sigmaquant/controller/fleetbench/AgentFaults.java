package io.sigmaquant.controller.fleetbench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.client.RunClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Injected agent faults: N times at even intervals over a window, a random simulated agent is crashed (its socket
 * dropped without DISCONNECT: the broker publishes its Last Will), seen offline by every controller, and started
 * again under the same id a few seconds later, then seen online again. One thread; faults never overlap.
 */
final class AgentFaults {
    /** Down at least this long: long enough for a job sent to it meanwhile to wait in its session at the broker. */
    static final long RESTART_AFTER_MS = 3000;
    /** How long the controllers are given to see the change; well above the 6 s the keep-alive allows. */
    static final long SEEN_WITHIN_MS = 60_000;

    /**
     * One fault: the agent, when it was crashed, and how long until every controller saw it offline and then
     * online again after its restart (null: not seen within {@link #SEEN_WITHIN_MS}, or stopped before).
     */
    record Fault(String agentId, long crashedAtMs, Double secondsToOffline, Double secondsToOnlineAgain,
                 String error) {
    }

    private final SimulatedFleet fleet;
    private final List<RunClient> clients;
    private final int count;
    private final Random random;
    private final Consumer<String> progress;
    private final List<Fault> faults = new ArrayList<>();
    private Thread thread;

    AgentFaults(SimulatedFleet fleet, List<RunClient> clients, int count, long seed, Consumer<String> progress) {
        this.fleet = fleet;
        this.clients = clients;
        this.count = count;
        this.random = new Random(seed);
        this.progress = progress;
    }

    /** The i-th of n faults (1-based) over [from, until): at even intervals, none at either end. */
    static long at(long fromMs, long untilMs, int i, int n) {
        return fromMs + (untilMs - fromMs) * i / (n + 1);
    }

    void start(long fromMs, long untilMs) {
        if (count == 0) {
            return;
        }
        thread = new Thread(() -> inject(fromMs, untilMs), "fleet-faults");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops injecting (a fault under way is cut short) and returns what was done. */
    List<Fault> stop() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(SEEN_WITHIN_MS);
        }
        synchronized (faults) {
            return List.copyOf(faults);
        }
    }

    private void inject(long fromMs, long untilMs) {
        try {
            for (int i = 1; i <= count; i++) {
                long wait = at(fromMs, untilMs, i, count) - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                List<String> ids = fleet.runningIds();
                if (ids.isEmpty()) {
                    continue;
                }
                Fault f = one(ids.get(random.nextInt(ids.size())));
                synchronized (faults) {
                    faults.add(f);
                }
                progress.accept("fault " + i + " of " + count + ": " + f.agentId() + " crashed, offline after "
                        + f.secondsToOffline() + " s, online again after " + f.secondsToOnlineAgain() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Fault one(String id) throws InterruptedException {
        long t0 = System.currentTimeMillis();
        fleet.crash(id);
        Double offline = waitUntil(id, false, t0);
        long restartAt = t0 + RESTART_AFTER_MS;
        if (System.currentTimeMillis() < restartAt) {
            Thread.sleep(restartAt - System.currentTimeMillis());
        }
        try {
            fleet.restart(id);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return new Fault(id, t0, offline, null, "restart: " + e.getMessage());
        }
        long t1 = System.currentTimeMillis();
        Double online = waitUntil(id, true, t1);
        return new Fault(id, t0, offline, online, null);
    }

    /** Seconds from {@code sinceMs} until every controller lists the agent with that online state; null if not. */
    private Double waitUntil(String id, boolean online, long sinceMs) throws InterruptedException {
        while (System.currentTimeMillis() - sinceMs < SEEN_WITHIN_MS) {
            if (everyControllerSees(id, online)) {
                return (System.currentTimeMillis() - sinceMs) / 1000.0;
            }
            Thread.sleep(FleetBench.POLL_MS);
        }
        return null;
    }

    private boolean everyControllerSees(String id, boolean online) {
        for (RunClient c : clients) {
            boolean listedOnline = false;
            try {
                for (JsonNode a : c.agents()) {
                    if (a.path("id").asText().equals(id)) {
                        listedOnline = a.path("online").asBoolean();
                    }
                }
            } catch (Exception e) {
                return false; // a controller that does not answer has not seen it
            }
            if (listedOnline != online) { // an agent no longer listed counts as offline
                return false;
            }
        }
        return true;
    }
}
