package io.sigmaquant.controller.fleetbench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@code bench-fleet} saw, printed as text and written as JSON. Null figures were not available (a meter
 * the controller does not export, agents that never all came online).
 *
 * @param runsByStatus    final state (converged, not-converged, failed, cancelled) → count, of the runs that ended
 * @param failedRuns      runs that failed or could not be submitted, with the reason
 * @param unfinishedRuns  runs still queued or running at the time limit (cancelled then)
 * @param runsPerMinute   ended runs per minute from the first submission to the last run's end
 * @param keepRuns        a soak: runs were kept in flight until the time limit (the unfinished ones then are expected)
 * @param agentFaults     the injected agent crashes, each with how long until the controllers saw it
 * @param agentLog        what the agents themselves accepted and published (each reply acknowledged by the broker)
 */
public record FleetSummary(int agentsRequested, int agentsStarted, int agentsOnline, Double secondsToAllOnline,
                           Map<String, String> agentFailures, int runsSubmitted, int runsEnded,
                           Map<String, Integer> runsByStatus, List<RunOutcome> failedRuns,
                           List<RunOutcome> unfinishedRuns, Double runsPerMinute, List<ControllerFigures> controllers,
                           int generatorThreads, int generatorPeakThreads, long generatorHeapUsedBytes,
                           double elapsedSeconds, boolean timedOut, boolean keepRuns,
                           List<AgentFaults.Fault> agentFaults, AgentLog.Counts agentLog) {

    /** This summary with the agents' log counted (taken once the agents are closed). */
    FleetSummary withAgentLog(AgentLog.Counts counts) {
        return new FleetSummary(agentsRequested, agentsStarted, agentsOnline, secondsToAllOnline, agentFailures,
                runsSubmitted, runsEnded, runsByStatus, failedRuns, unfinishedRuns, runsPerMinute, controllers,
                generatorThreads, generatorPeakThreads, generatorHeapUsedBytes, elapsedSeconds, timedOut, keepRuns,
                agentFaults, counts);
    }

    /** One run's id (null when it was never accepted), the controller it went to, its state and reason. */
    public record RunOutcome(String id, String server, String status, String reason) {
    }

    /**
     * What one controller's {@code /metrics} said at the end. The dispatch overhead the controller adds: from
     * publishing a job to the agent's accepted reply ({@code sigmaquant_dispatch_accept_seconds}), and an
     * attempt's wait for an online agent of its class ({@code sigmaquant_dispatch_queue_seconds}), both quantiles
     * of the histograms' buckets over the controller's life.
     */
    public record ControllerFigures(String server, Double measurementP50Ms, Double measurementP99Ms,
                                    Double dispatchAcceptP50Ms, Double dispatchAcceptP99Ms,
                                    Double dispatchQueueP50Ms, Double dispatchQueueP99Ms,
                                    Double heapUsedBytes, Double liveThreads) {
    }

    /**
     * True when every agent came online and every run ended (converged or with its reason); in a soak, when every
     * agent came online and every injected fault was seen and undone.
     */
    public boolean complete() {
        boolean faultsUndone = agentFaults.stream().allMatch(f -> f.secondsToOffline() != null
                && f.secondsToOnlineAgain() != null);
        if (keepRuns) {
            return agentsOnline == agentsRequested && faultsUndone;
        }
        return !timedOut && agentsOnline == agentsRequested && unfinishedRuns.isEmpty()
                && runsEnded == runsSubmitted && faultsUndone;
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "agents: %d of %d online (%d started)%s%n", agentsOnline, agentsRequested,
                agentsStarted, secondsToAllOnline == null ? ", not all online"
                        : String.format(Locale.ROOT, ", all online after %.1f s", secondsToAllOnline));
        agentFailures.entrySet().stream().limit(10).forEach(e ->
                out.println("  agent " + e.getKey() + " did not start: " + e.getValue()));
        out.printf(Locale.ROOT, "runs: %d of %d ended %s%s%n", runsEnded, runsSubmitted, runsByStatus,
                runsPerMinute == null ? "" : String.format(Locale.ROOT, ", %.2f runs/min", runsPerMinute));
        failedRuns.forEach(r -> out.println("  failed " + (r.id() == null ? "(not submitted)" : r.id()) + " on "
                + r.server() + ": " + r.reason()));
        if (keepRuns) {
            out.printf(Locale.ROOT, "  (a soak: %d in flight at the time limit, cancelled)%n", unfinishedRuns.size());
        } else {
            unfinishedRuns.forEach(r -> out.println("  unfinished at the time limit: " + r.id() + " ("
                    + r.status() + ") on " + r.server()));
        }
        for (ControllerFigures c : controllers) {
            out.printf(Locale.ROOT, "controller %s: job round-trip p50 %s, p99 %s; dispatch (published to accepted) "
                            + "p50 %s, p99 %s; wait for an agent p50 %s, p99 %s; heap %s; threads %s%n", c.server(),
                    ms(c.measurementP50Ms()), ms(c.measurementP99Ms()), ms(c.dispatchAcceptP50Ms()),
                    ms(c.dispatchAcceptP99Ms()), ms(c.dispatchQueueP50Ms()), ms(c.dispatchQueueP99Ms()),
                    mib(c.heapUsedBytes()),
                    c.liveThreads() == null ? "not exported" : String.format(Locale.ROOT, "%.0f", c.liveThreads()));
        }
        if (!agentFaults.isEmpty()) {
            long offline = agentFaults.stream().filter(f -> f.secondsToOffline() != null).count();
            long back = agentFaults.stream().filter(f -> f.secondsToOnlineAgain() != null).count();
            out.printf(Locale.ROOT, "agent faults: %d injected, %d seen offline, %d seen online again%n",
                    agentFaults.size(), offline, back);
        }
        if (agentLog != null) {
            out.printf(Locale.ROOT, "agents' log: %d accepted, %d results, %d errors, %d duplicated results%n",
                agentLog.accepted(), agentLog.results(), agentLog.errors(), agentLog.duplicateResults());
        }
        out.printf(Locale.ROOT, "generator: %d threads (peak %d), heap used %s%n", generatorThreads,
                generatorPeakThreads, mib((double) generatorHeapUsedBytes));
        out.printf(Locale.ROOT, "elapsed %.1f s%s%n", elapsedSeconds, timedOut ? " (stopped at the time limit)" : "");
        out.flush();
    }

    private static String ms(Double v) {
        return v == null ? "none" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String mib(Double bytes) {
        return bytes == null ? "not exported" : String.format(Locale.ROOT, "%.0f MiB", bytes / (1 << 20));
    }
}
