package io.sigmaquant.controller.fleetbench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.profiles.DeviceProfiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The fleet load generator: starts the simulated agents, waits until every controller sees them online, submits
 * the runs over the controllers' HTTP API, waits for them to end, and reads the controllers' meters. Everything
 * stops at the time limit; what had not ended is cancelled and reported. As a soak ({@code keepRuns}) it keeps M
 * runs in flight until the time limit; meanwhile it may crash and restart agents ({@link AgentFaults}); the agents
 * log what they accepted and published ({@link AgentLog}).
 */
public final class FleetBench {
    /** How often the controllers are asked for the agents and the runs: well under the figures it measures. */
    static final long POLL_MS = 250;
    /** Runs submitted at once: the HTTP upload of a model is the slow part. */
    static final int SUBMITTERS = 4;

    private final FleetBenchSettings settings;
    private final Consumer<String> progress;

    /** @param progress receives a line at each stage (agents started, online, runs submitted) */
    public FleetBench(FleetBenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public FleetSummary run() throws Exception {
        OpenFileLimit.check(OpenFileLimit.current(), settings.agents());
        long t0 = System.currentTimeMillis();
        long deadline = t0 + settings.durationSeconds() * 1000;
        List<RunClient> clients = settings.servers().stream().map(RunClient::new).toList();
        List<String> classes = DeviceProfiles.BUNDLED;
        for (RunClient c : clients) {
            c.agents(); // an unreachable controller is named now, in one line, before any agent starts
        }
        Path cache = Files.createTempDirectory("sigmaquant-bench-fleet");
        AgentLog log = new AgentLog();
        FleetSummary summary;
        try (SimulatedFleet fleet = new SimulatedFleet(settings.connectBatch(), cache, log::published)) {
            fleet.start(settings.brokerUrl(), settings.agents(), classes, settings.connectBatch(), deadline);
            progress.accept(fleet.started() + " agents started in "
                    + (System.currentTimeMillis() - t0) / 1000.0 + " s");
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < settings.agents(); i++) {
                expected.add(SimulatedFleet.agentId(i, classes.get(i % classes.size())));
            }
            Double toOnline = null;
            int online = seenOnline(clients, expected);
            while (online < expected.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(POLL_MS);
                online = seenOnline(clients, expected);
            }
            if (online == expected.size()) {
                toOnline = (System.currentTimeMillis() - t0) / 1000.0;
                progress.accept("all " + online + " agents online after " + toOnline + " s");
            }
            RunTracker runs = new RunTracker(settings.servers(), clients);
            AgentFaults faults = new AgentFaults(fleet, clients, settings.agentFaults(), settings.agents(), progress);
            long submittedAt = System.currentTimeMillis();
            if (System.currentTimeMillis() < deadline) { // past the time limit nothing new is started
                submit(runs, clients, classes, settings.runs());
                faults.start(submittedAt, deadline);
            }
            progress.accept(runs.submitted() + " runs submitted" + (settings.keepRuns()
                    ? ", " + settings.runs() + " kept in flight until the time limit" : ""));
            while ((settings.keepRuns() || !runs.allEnded()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(POLL_MS * 4);
                runs.refresh();
                int missing = settings.runs() - runs.inFlight();
                if (settings.keepRuns() && missing > 0 && System.currentTimeMillis() < deadline) {
                    submit(runs, clients, classes, missing);
                }
            }
            List<AgentFaults.Fault> injected = faults.stop();
            boolean timedOut = !runs.allEnded() || online < expected.size();
            List<FleetSummary.RunOutcome> unfinished = runs.unfinished();
            runs.cancelUnfinished();
            Double perMinute = runs.ended() == 0 ? null
                    : runs.ended() / Math.max(1e-3, (runs.lastEndMs() - submittedAt) / 60_000.0);
            List<FleetSummary.ControllerFigures> figures = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                figures.add(figures(settings.servers().get(i), clients.get(i)));
            }
            var threads = ManagementFactory.getThreadMXBean();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            summary = new FleetSummary(settings.agents(), fleet.started(), online, toOnline, fleet.failures(),
                    runs.submitted(), runs.ended(), runs.byStatus(), runs.failed(), unfinished, perMinute, figures,
                    threads.getThreadCount(), threads.getPeakThreadCount(), heap,
                    (System.currentTimeMillis() - t0) / 1000.0, timedOut, settings.keepRuns(), injected, null);
        }
        // after the fleet closed: the replies still in flight then are in the log too
        summary = summary.withAgentLog(log.counts());
        if (settings.agentLog() != null) {
            log.write(settings.agentLog());
        }
        return summary;
    }

    /** The expected agents that every controller lists as online (the smallest count over the controllers). */
    private static int seenOnline(List<RunClient> clients, Set<String> expected) {
        int least = Integer.MAX_VALUE;
        for (RunClient c : clients) {
            int n = 0;
            try {
                for (JsonNode a : c.agents()) {
                    if (a.path("online").asBoolean() && expected.contains(a.path("id").asText())) {
                        n++;
                    }
                }
            } catch (Exception e) {
                n = 0; // a controller that does not answer sees nothing
            }
            least = Math.min(least, n);
        }
        return least;
    }

    /** The next n runs, dealt round-robin over the controllers, the device classes and the models. */
    private void submit(RunTracker runs, List<RunClient> clients, List<String> classes, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            List<Future<?>> all = new ArrayList<>();
            int first = runs.submitted();
            for (int i = first; i < first + n; i++) {
                int server = i % clients.size();
                RunRequest request = RunRequest.builder(classes.get(i % classes.size())).latencyFraction(0.9)
                        .maxIterations(settings.maxIterations()).tolerance(0.3).seed((long) i).build().validate();
                Path model = settings.models().get(i % settings.models().size());
                all.add(pool.submit(() -> runs.submit(server, request, model)));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static FleetSummary.ControllerFigures figures(String server, RunClient client) {
        PrometheusSamples m;
        try {
            m = new PrometheusSamples(client.metrics());
        } catch (Exception e) {
            m = new PrometheusSamples("");
        }
        // a summary with no sample yet shows its quantiles as 0: no figure rather than a false one
        boolean measured = m.sum("sigmaquant_measurement_seconds_count").orElse(0) > 0;
        return new FleetSummary.ControllerFigures(server,
                measured ? ms(m.sum("sigmaquant_measurement_seconds", "quantile=\"0.5\"")) : null,
                measured ? ms(m.sum("sigmaquant_measurement_seconds", "quantile=\"0.99\"")) : null,
                ms(m.quantile("sigmaquant_dispatch_accept_seconds", 0.5)),
                ms(m.quantile("sigmaquant_dispatch_accept_seconds", 0.99)),
                ms(m.quantile("sigmaquant_dispatch_queue_seconds", 0.5)),
                ms(m.quantile("sigmaquant_dispatch_queue_seconds", 0.99)),
                value(m.sum("jvm_memory_used_bytes", "area=\"heap\"")), value(m.sum("jvm_threads_live_threads")));
    }

    private static Double ms(OptionalDouble seconds) {
        return seconds.isPresent() ? seconds.getAsDouble() * 1000 : null;
    }

    private static Double value(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }

    /** The submitted runs and what the controllers last said of them. */
    private static final class RunTracker {
        private final List<String> servers;
        private final List<RunClient> clients;
        private final Map<String, Tracked> runs = new LinkedHashMap<>();
        private final List<FleetSummary.RunOutcome> refused = new ArrayList<>();
        private long lastEndMs;

        RunTracker(List<String> servers, List<RunClient> clients) {
            this.servers = servers;
            this.clients = clients;
        }

        /**
         * Submits to the given controller, or — when it cannot be reached (a replica being restarted) — to the next
         * one that can, as a load balancer in front of replicas would.
         */
        void submit(int server, RunRequest request, Path model) {
            Exception last = null;
            for (int k = 0; k < clients.size(); k++) {
                int s = (server + k) % clients.size();
                try {
                    String id = clients.get(s).submit(request, model, Map.of());
                    synchronized (this) {
                        runs.put(id, new Tracked(s));
                    }
                    return;
                } catch (Exception e) {
                    last = e;
                    if (!String.valueOf(e.getMessage()).startsWith("cannot reach")) {
                        break; // refused by a controller that answered: another would refuse it too
                    }
                }
            }
            synchronized (this) {
                refused.add(new FleetSummary.RunOutcome(null, servers.get(server), "not-submitted",
                        String.valueOf(last.getMessage()).lines().findFirst().orElse(last.toString())));
            }
        }

        synchronized int submitted() {
            return runs.size() + refused.size();
        }

        /** One {@code GET /api/runs} per controller: the state of every run it holds. */
        synchronized void refresh() {
            for (int s = 0; s < clients.size(); s++) {
                try {
                    for (JsonNode r : clients.get(s).runs()) {
                        Tracked known = runs.get(r.path("id").asText());
                        if (known == null || known.status.finished()) {
                            continue;
                        }
                        known.status = RunStatus.fromWire(r.path("status").asText());
                        known.reason = r.path("reason").isNull() ? null : r.path("reason").asText();
                        if (known.status.finished()) {
                            lastEndMs = System.currentTimeMillis();
                        }
                    }
                } catch (Exception e) {
                    // a controller that does not answer now may answer at the next poll
                }
            }
        }

        /** Accepted runs not ended yet. */
        synchronized int inFlight() {
            return (int) runs.values().stream().filter(r -> !r.status.finished()).count();
        }

        synchronized boolean allEnded() {
            return runs.values().stream().allMatch(r -> r.status.finished());
        }

        synchronized int ended() {
            return (int) runs.values().stream().filter(r -> r.status.finished()).count();
        }

        synchronized long lastEndMs() {
            return lastEndMs;
        }

        synchronized Map<String, Integer> byStatus() {
            Map<String, Integer> counts = new TreeMap<>();
            runs.values().stream().filter(r -> r.status.finished())
                    .forEach(r -> counts.merge(r.status.wire(), 1, Integer::sum));
            return counts;
        }

        synchronized List<FleetSummary.RunOutcome> failed() {
            List<FleetSummary.RunOutcome> out = new ArrayList<>(refused);
            runs.forEach((id, r) -> {
                if (r.status == RunStatus.FAILED) {
                    out.add(outcome(id, r));
                }
            });
            return out;
        }

        synchronized List<FleetSummary.RunOutcome> unfinished() {
            List<FleetSummary.RunOutcome> out = new ArrayList<>();
            runs.forEach((id, r) -> {
                if (!r.status.finished()) {
                    out.add(outcome(id, r));
                }
            });
            return out;
        }

        /** Best effort: a run left behind would keep the controller busy after the benchmark. */
        synchronized void cancelUnfinished() {
            for (FleetSummary.RunOutcome r : unfinished()) {
                try {
                    clients.get(servers.indexOf(r.server())).cancel(r.id());
                } catch (Exception e) {
                    // reported as unfinished either way
                }
            }
        }

        private FleetSummary.RunOutcome outcome(String id, Tracked r) {
            return new FleetSummary.RunOutcome(id, servers.get(r.server), r.status.wire(), r.reason);
        }
    }

    /** What a controller last said of one run; guarded by its tracker. */
    private static final class Tracked {
        final int server;
        RunStatus status = RunStatus.QUEUED;
        String reason;

        Tracked(int server) {
            this.server = server;
        }
    }
}
