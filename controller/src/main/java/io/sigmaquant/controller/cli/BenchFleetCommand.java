package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.fleetbench.FleetBench;
import io.sigmaquant.controller.fleetbench.FleetBenchSettings;
import io.sigmaquant.controller.fleetbench.FleetSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigmaquant bench-fleet --broker URL --server URL --agents N --runs M}: N simulated agents in this
 * process (each the agent's own runtime with its own MQTT session) and M runs on the controllers, bounded by
 * {@code --duration-s}. Exit 0 when every agent came online and every run ended, 1 otherwise, 2 for bad input.
 */
@Command(name = "bench-fleet", mixinStandardHelpOptions = true,
        description = "Fleet load generator: N simulated agents across the six device classes and M concurrent runs "
                + "against one or more controllers; prints time to online, runs per minute, failures and the "
                + "controllers' meters.")
final class BenchFleetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--broker", paramLabel = "URL", required = true,
            description = "the MQTT v5 broker the controllers use (e.g. tcp://127.0.0.1:1883)")
    String broker;

    @Option(names = "--server", paramLabel = "URL", required = true,
            description = "a controller's HTTP API (repeatable: runs are dealt round-robin)")
    List<String> servers;

    @Option(names = "--agents", paramLabel = "N", required = true,
            description = "simulated agents, at most " + FleetBenchSettings.MAX_AGENTS)
    int agents;

    @Option(names = "--runs", paramLabel = "M", defaultValue = "0",
            description = "concurrent runs, at most " + FleetBenchSettings.MAX_RUNS + " (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "600",
            description = "time limit: everything stops then, and what did not end is reported (default: "
                    + "${DEFAULT-VALUE})")
    long durationSeconds;

    @Option(names = "--model", paramLabel = "FILE",
            description = "ONNX model of the runs (repeatable, dealt round-robin; default: the checkout's "
                    + "examples/models/resnet.onnx)")
    List<Path> models;

    @Option(names = "--max-iterations", paramLabel = "N",
            defaultValue = "" + FleetBenchSettings.DEFAULT_MAX_ITERATIONS,
            description = "candidates per run (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--connect-batch", paramLabel = "N", defaultValue = "" + FleetBenchSettings.DEFAULT_CONNECT_BATCH,
            description = "agents connected at once (default: ${DEFAULT-VALUE})")
    int connectBatch;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON")
    Path json;

    @Option(names = "--keep-runs", description = "a soak: keep --runs M runs in flight until --duration-s, submitting "
            + "a new one whenever one ends (the runs in flight then are cancelled)")
    boolean keepRuns;

    @Option(names = "--agent-faults", paramLabel = "N", defaultValue = "0",
            description = "crash a random simulated agent N times at even intervals while the runs go on (its socket "
                    + "closed without DISCONNECT: the broker publishes its Last Will) and start it again under the "
                    + "same id a few seconds later (default: ${DEFAULT-VALUE})")
    int agentFaults;

    @Option(names = "--agent-log", paramLabel = "FILE",
            description = "write what the simulated agents accepted and published, each reply acknowledged by the "
                    + "broker (TSV: agent, job_id, attempt, event, at_ms), for docs/benchmarks/fleet-count.sh")
    Path agentLog;

    @Override
    public Integer call() throws Exception {
        FleetBenchSettings settings = new FleetBenchSettings(broker, servers, agents, runs, durationSeconds,
                runs == 0 ? List.of() : models != null ? models : List.of(defaultModel()), maxIterations,
                connectBatch, keepRuns, agentFaults, agentLog);
        PrintWriter err = spec.commandLine().getErr();
        FleetSummary summary = new FleetBench(settings, line -> {
            err.println("bench-fleet: " + line);
            err.flush();
        }).run();
        PrintWriter out = spec.commandLine().getOut();
        summary.print(out);
        if (json != null) {
            AtomicFile.write(json, Output.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        }
        return summary.complete() ? 0 : 1;
    }

    /** The smallest example model, found from the launcher's checkout as the demo finds its files. */
    private static Path defaultModel() {
        return Path.of(System.getProperty("sigmaquant.home", ".")).resolve("examples/models/resnet.onnx");
    }
}
