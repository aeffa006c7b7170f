package io.sigmaquant.controller.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses an online agent of a device class for an attempt by load, waiting for one to come online. Among the
 * agents not to avoid: the least load — the attempts in flight from this dispatcher, or the jobs the agent's last
 * status said it held (protocol 1.5; those include other replicas' jobs) if more; then the fewest jobs of the same run
 * so far, so that a run's calibration jobs spread over the idle agents of the class (one slow board does not bias
 * the fit); then the least recently chosen, those never chosen in id order. The choice and its count are one step, so that
 * concurrent runs do not pile onto the same idle agent; every {@link #pick} is paired with a {@link #release}.
 */
final class OnlineAgents {
    /** How often an attempt looks again for an online agent of its class. */
    private static final long POLL_MS = 200;
    /** Runs whose per-agent counts are kept, most recently used; a run's jobs follow each other within minutes. */
    static final int RUNS_REMEMBERED = 1000;

    private final FleetRegistry registry;
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, Long> lastChosen = new HashMap<>();
    private long choices;
    private final Map<String, Map<String, Integer>> perRun = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Integer>> eldest) {
            return size() > RUNS_REMEMBERED;
        }
    };

    OnlineAgents(FleetRegistry registry) {
        this.registry = registry;
    }

    /**
     * The least loaded online agent of the class, one not in {@code avoid} if there is one, counted in flight until
     * {@link #release}d.
     *
     * @param runId the run the job belongs to: its jobs spread over the class
     * @throws JobFailedException when none comes online within {@code wait}
     */
    String pick(String deviceClass, String runId, Set<String> avoid, Duration wait) throws InterruptedException {
        long until = System.currentTimeMillis() + wait.toMillis();
        while (true) {
            List<FleetRegistry.Agent> online = registry.online(deviceClass);
            List<FleetRegistry.Agent> fresh = online.stream().filter(a -> !avoid.contains(a.id())).toList();
            List<FleetRegistry.Agent> choice = fresh.isEmpty() ? online : fresh;
            if (!choice.isEmpty()) {
                return choose(choice, runId);
            }
            if (System.currentTimeMillis() > until) {
                throw new JobFailedException("no online agent of device class " + deviceClass + " within "
                        + wait.toSeconds() + " s");
            }
            Thread.sleep(POLL_MS);
        }
    }

    private synchronized String choose(List<FleetRegistry.Agent> agents, String runId) {
        Map<String, Integer> ofRun = perRun.computeIfAbsent(runId, k -> new HashMap<>());
        List<String> ids = new ArrayList<>(agents.size());
        Map<String, Integer> load = new HashMap<>();
        for (FleetRegistry.Agent a : agents) {
            ids.add(a.id());
            // the status lags by up to a heartbeat, the count here misses other replicas: the larger of the two
            load.put(a.id(), Math.max(inFlight.getOrDefault(a.id(), 0), a.jobsHeld() == null ? 0 : a.jobsHeld()));
        }
        // stable: agents tied on all three stay in id order (the registry's). Least recently chosen rather than
        // random, so that a test can tell which agent comes next; every agent still gets its turn
        ids.sort(Comparator.<String>comparingInt(load::get)
                .thenComparingInt(id -> ofRun.getOrDefault(id, 0))
                .thenComparingLong(id -> lastChosen.getOrDefault(id, 0L)));
        String chosen = ids.get(0);
        inFlight.merge(chosen, 1, Integer::sum);
        ofRun.merge(chosen, 1, Integer::sum);
        lastChosen.put(chosen, ++choices);
        return chosen;
    }

    /** The attempt sent to {@code agentId} is over (answered, given up or never sent). */
    synchronized void release(String agentId) {
        inFlight.computeIfPresent(agentId, (id, n) -> n > 1 ? n - 1 : null);
    }

    /** Attempts in flight to the agent from this dispatcher. */
    synchronized int load(String agentId) {
        return inFlight.getOrDefault(agentId, 0);
    }
}
