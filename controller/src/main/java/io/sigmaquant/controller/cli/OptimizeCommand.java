package io.sigmaquant.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopReport;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.run.ActivationCalibration;
import io.sigmaquant.controller.run.LoopBenchmark;
import io.sigmaquant.controller.run.PreparedRun;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.sensitivity.SensitivityCache;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.controller.wiring.ControllerParts;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sigmaquant optimize MODEL --device-class ID (--server URL | --broker URL)}: the closed loop, either
 * submitted to a {@code sigmaquant serve} and followed, or run in this process against a broker's agents.
 * Without {@code --data} the run is latency-only: activations are calibrated on generated inputs, the report
 * says so, and no accuracy is claimed.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true,
        description = "Closed loop: allocate, have agents of the device class measure, recalibrate, repeat until the "
                + "allocation is proven on the hardware.")
final class OptimizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "FP32 ONNX model")
    Path model;

    @Option(names = "--device-class", paramLabel = "ID", required = true, description = "device profile id of the agents")
    String deviceClass;

    @Option(names = "--server", paramLabel = "URL",
            description = "submit the run to this `sigmaquant serve` (e.g. http://controller:8080) and follow it")
    String server;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:SIGMAQUANT_TOKEN}",
            description = "bearer token for a secured --server (default: $SIGMAQUANT_TOKEN)")
    String apiToken;

    @Option(names = "--broker", paramLabel = "URL",
            description = "without --server: run the loop in this process against the agents on this MQTT v5 broker")
    String broker;

    @Mixin
    AllocationOptions budgets;

    @Mixin
    DataOptions data;

    @Option(names = "--mode", paramLabel = "outputs|weights",
            description = "KL sensitivity: outputs (default with --data) or weights (data-free; the only mode without "
                    + "--data)")
    String sensitivityMode;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "in-process runs: where sensitivity tables are cached (default: $SIGMAQUANT_CACHE_DIR or "
                    + "~/.cache/sigmaquant)")
    Path cacheDir;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "where model.onnx, report.json and cost-model.json go")
    Path out;

    // Loop settings stay null unless given: RunRequest holds their defaults.
    @Option(names = "--max-iterations", paramLabel = "N",
            description = "candidates at most (default: " + RunRequest.DEFAULT_MAX_ITERATIONS + ")")
    Integer maxIterations;

    @Option(names = "--tolerance", paramLabel = "F", description = "relative gap between predicted and measured "
            + "latency accepted (default: " + RunRequest.DEFAULT_TOLERANCE + ")")
    Double tolerance;

    @Option(names = "--http-host", paramLabel = "HOST", description = "in-process runs: address agents reach this "
            + "machine's model store at (default: " + ControllerOptions.DEFAULT_HTTP_HOST + ")")
    String httpHost;

    @Option(names = "--insecure", description = "in-process runs: serve models on a non-loopback --http-host "
            + "without TLS (anyone who reaches it can download them)")
    boolean insecure;

    @Option(names = "--http-port", paramLabel = "PORT", description = "in-process model store port (default: any free)")
    Integer httpPort;

    @Option(names = "--wait-for-agent-s", paramLabel = "S", description = "in-process runs: how long a job waits for "
            + "an online agent of the class (default: " + ControllerOptions.DEFAULT_WAIT_FOR_AGENT_SECONDS + ")")
    Long waitForAgentSeconds;

    @Option(names = "--runs", paramLabel = "N",
            description = "timed runs per measurement (default: " + RunRequest.DEFAULT_RUNS + ")")
    Integer runs;

    @Option(names = "--min-duration-ms", paramLabel = "MS",
            description = "minimum timed duration per measurement (default: " + RunRequest.DEFAULT_MIN_DURATION_MS + ")")
    Long minDurationMs;

    @Option(names = "--threads", paramLabel = "N", description = "threads agents run with (default: the profile's)")
    Integer threads;

    @Option(names = "--lease-s", paramLabel = "S",
            description = "time one attempt may take (default: " + RunRequest.DEFAULT_LEASE_SECONDS + ")")
    Integer leaseSeconds;

    @Option(names = "--max-attempts", paramLabel = "N",
            description = "attempts per job (default: " + RunRequest.DEFAULT_MAX_ATTEMPTS + ")")
    Integer maxAttempts;

    @Option(names = "--holdout", paramLabel = "N",
            description = "benchmark: after the loop, measure N random configurations and compare them with the "
                    + "calibrated model's predictions")
    Integer holdout;

    @Option(names = "--compare-random", paramLabel = "N",
            description = "benchmark: after the loop, count how many random configurations (at most N) must be "
                    + "measured to find one that meets the same budgets")
    Integer compareRandom;

    @Option(names = "--seed", paramLabel = "N", description = "seeds the loop's resamples and the benchmarks' random "
            + "configurations (default: " + RunRequest.DEFAULT_SEED + ")")
    Long seed;

    @Option(names = "--paired-reference", negatable = true, paramLabel = "BOOL", description = "agents measure the "
            + "float model interleaved with each candidate, so that drift between jobs is corrected (default: "
            + RunRequest.DEFAULT_PAIRED_REFERENCE + "; --no-paired-reference halves the time per job)")
    Boolean pairedReference;

    /** In-process runs: the store (default: an embedded H2 file in --out). */
    @Mixin
    StoreOptions store;

    /** In-process runs: the controller's certificate for an ssl:// broker. */
    @Mixin
    TlsMixin tls;

    @Mixin
    MqttCredentialsMixin credentials;

    @Option(names = "--batch", paramLabel = "N",
            description = "images per measured inference (default: " + RunRequest.DEFAULT_BATCH + ")")
    Integer batch;

    @Option(names = "--latency-fraction", paramLabel = "F",
            description = "set the latency budget to F × the measured float model (the first measurement)")
    Double latencyFraction;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "1000", hidden = true,
            description = "with --server: how often the run's status is read")
    long pollMs;

    @Override
    public Integer call() throws Exception {
        if (budgets.maxAccuracyDrop != null || budgets.minimize != null) {
            throw new UserInputException("optimize does not take --max-accuracy-drop or --minimize yet; measure "
                    + "accuracy with allocate or evaluate");
        }
        if ((server == null) == (broker == null)) {
            throw new UserInputException("give --server URL (submit to a sigmaquant serve) or --broker URL (run here), "
                    + "one of them");
        }
        Budgets b = budgets.budgets();
        RunRequest request = RunRequest.builder(deviceClass)
                .maxSizeBytes(b.has(Resource.SIZE) ? b.limit(Resource.SIZE) : null).maxLatencyMs(budgets.maxLatencyMs)
                .maxEnergyMj(budgets.maxEnergyMj).latencyFraction(latencyFraction).method(budgets.method)
                .maxIterations(maxIterations).tolerance(tolerance).batch(batch).threads(threads).runs(runs)
                .minDurationMs(minDurationMs).leaseSeconds(leaseSeconds).maxAttempts(maxAttempts)
                .sensitivityMode(sensitivityMode).preprocessing(data.scale, data.mean, data.std).holdout(holdout)
                .compareRandom(compareRandom).seed(seed).pairedReference(pairedReference).build().validate();
        if (!Files.isRegularFile(model)) {
            throw new UserInputException("model not found: " + model);
        }
        return server != null ? submit(request) : runHere(request);
    }

    /** Submits to the server, prints each iteration as the server records it, then downloads the results. */
    private int submit(RunRequest request) throws Exception {
        RunClient client = new RunClient(server, apiToken, tls.serverTrust()); // --tls-ca verifies an https server
        Map<String, Path> files = data.data == null ? Map.of() : RunClient.calibrationFiles(data.data);
        String runId = client.submit(request, model, files);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("run %s submitted to %s%n", runId, server);
        err.flush();
        IterationCount count = new IterationCount(request.withDefaults().maxIterations());
        JsonNode status = client.follow(runId, it -> {
            err.printf(Locale.ROOT, "[%d] %-11s on %s: predicted %.3f ms, measured %.3f ms%s%n", it.get("index").asInt(),
                    it.get("kind").asText(), it.get("agentId").asText(), it.get("predictedMs").asDouble(),
                    it.get("measuredMs").asDouble(), count.next(IterationKind.fromWire(it.get("kind").asText())));
            err.flush();
        }, pollMs);
        JsonNode run = status.get("run");
        PrintWriter w = spec.commandLine().getOut();
        RunStatus state = RunStatus.fromWire(run.get("status").asText());
        if (state == RunStatus.FAILED) {
            w.printf("run %s failed: %s%n", runId, run.get("reason").asText());
            w.flush();
            return 1;
        }
        client.downloadAll(runId, out);
        boolean converged = state == RunStatus.CONVERGED;
        // read as a tree: the run adds fields of its own (how activations were calibrated) to the loop's report
        JsonNode report = Output.JSON.readTree(out.resolve("report.json").toFile());
        w.printf("%s: %s (%d measurements)%n", converged ? "converged" : "NOT converged", run.get("reason").asText(),
                report.path("measurements").asInt());
        if (ActivationCalibration.Source.GENERATED.wire().equals(report.path("activationCalibration").asText())) {
            w.println(report.path("note").asText());
        }
        if (Files.exists(out.resolve("benchmark.json"))) {
            w.println(Output.JSON.readValue(out.resolve("benchmark.json").toFile(), LoopBenchmark.class).summary());
        }
        w.printf("report: %s (run %s on %s)%n", out.resolve("report.json"), runId, server);
        w.flush();
        return converged ? 0 : 3;
    }

    private int runHere(RunRequest request) throws Exception {
        PreparedRun prepared = PreparedRun.check(request, model, data.data);
        Files.createDirectories(out);
        String runId = UUID.randomUUID().toString();
        PrintWriter err = spec.commandLine().getErr();
        IterationCount count = new IterationCount(request.withDefaults().maxIterations());
        try (ControllerParts parts = ControllerParts.start(inProcessOptions())) {
            // optimize has no --json: stdout carries only the outcome, so a terminal gets bars and a pipe lines
            parts.dispatcher().reportWaitsTo(ProgressReporter.forCommandLine(false, err));
            parts.createRun(runId, model.toString(), prepared);
            RunExecution.Outcome outcome = parts.execute(runId, prepared, budgets.allocator(), List.of(),
                    it -> progress(err, it, count.next(it.kind())), out);
            LoopReport report = outcome.report();
            PrintWriter w = spec.commandLine().getOut();
            w.printf("%s: %s (%d measurements)%n", report.converged() ? "converged" : "NOT converged", report.reason(),
                    report.measurements());
            if (outcome.calibration().source() == ActivationCalibration.Source.GENERATED) {
                w.println(outcome.calibration().note());
            }
            if (outcome.benchmark() != null) {
                w.println(outcome.benchmark().summary());
            }
            w.printf("report: %s (run %s in the store)%n", out.resolve("report.json"), runId);
            w.flush();
            return report.converged() ? 0 : 3;
        }
    }

    /** The controller's parts for one run here: the broker given, the store and artifacts in --out. */
    private ControllerOptions inProcessOptions() {
        ControllerOptions options = credentials.applyTo(tls.applyTo(store.applyTo(new ControllerOptions())))
                .setDataDir(out).setBrokerUrl(broker)
                .setModelsDir(out.resolve("store"))
                .setSensitivityCache(cacheDir != null ? cacheDir : SensitivityCache.defaultDir())
                .setHttpPort(httpPort != null ? httpPort : 0) // an in-process run serves only its own models
                .setPersistentSession(false).setInsecure(insecure);
        if (httpHost != null) {
            options.setHttpHost(httpHost);
        }
        if (waitForAgentSeconds != null) {
            options.setWaitForAgent(Duration.ofSeconds(waitForAgentSeconds));
        }
        return options;
    }

    private static void progress(PrintWriter err, LoopIteration it, String ofMax) {
        err.printf(Locale.ROOT, "[%d] %-11s on %s: predicted %.3f ms, measured %.3f ms, size %s%s%s%n", it.index(),
                it.kind(), it.agentId(), it.predictedMs(), it.measuredMs(), Output.bytes(Math.round(it.sizeBytes())),
                it.meetsBudgets() ? ", meets budgets" : "", ofMax);
        err.flush();
    }
}
