package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Budgets;

import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.fleet.FleetConnection;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.loop.ClosedLoop;
import io.sigmaquant.controller.loop.Dispatcher;
import io.sigmaquant.controller.loop.LoopReport;
import io.sigmaquant.controller.loop.LoopSettings;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.store.ModelHttpServer;
import io.sigmaquant.controller.store.ModelStore;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.store.StoreRecorder;
import java.util.Map;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigmaquant optimize MODEL --device-class ID --broker URL}: the closed loop, in this process, against
 * the agents of one device class.
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

    @Option(names = "--broker", paramLabel = "URL", required = true, description = "MQTT v5 broker the agents use")
    String broker;

    @Mixin
    AllocationOptions budgets;

    @Mixin
    DataOptions data;

    @Mixin
    SensitivityOptions sensitivity;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "where model.onnx, report.json and cost-model.json go")
    Path out;

    @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "8", description = "candidates at most (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--tolerance", paramLabel = "F", defaultValue = "0.15",
            description = "relative gap between predicted and measured latency accepted (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "address agents reach this machine's model store at (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "0", description = "model store port (default: any free)")
    int httpPort;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "50", description = "timed runs per measurement (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--min-duration-ms", paramLabel = "MS", defaultValue = "1000",
            description = "minimum timed duration per measurement (default: ${DEFAULT-VALUE})")
    long minDurationMs;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "threads agents run with (default: the profile's)")
    int threads;

    @Option(names = "--lease-s", paramLabel = "S", defaultValue = "120", description = "time one attempt may take")
    long leaseSeconds;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3", description = "attempts per job")
    int maxAttempts;

    @Option(names = "--holdout", paramLabel = "N", defaultValue = "0",
            description = "benchmark: after the loop, measure N random configurations and compare them with the "
                    + "calibrated model's predictions")
    int holdout;

    @Option(names = "--compare-random", paramLabel = "N", defaultValue = "0",
            description = "benchmark: after the loop, count how many random configurations (at most N) must be "
                    + "measured to find one that meets the same budgets")
    int compareRandom;

    @Option(names = "--store-url", paramLabel = "JDBC",
            description = "where runs, measurements and cost models are kept: jdbc:postgresql://... or an H2 URL "
                    + "(default: an embedded H2 file in --out)")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", defaultValue = "sa", description = "store user (default: ${DEFAULT-VALUE})")
    String storeUser;

    @Option(names = "--store-password", paramLabel = "PASSWORD", defaultValue = "", description = "store password")
    String storePassword;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "images per measured inference (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--latency-fraction", paramLabel = "F",
            description = "set the latency budget to F × the measured float model (the first measurement)")
    Double latencyFraction;

    @Override
    public Integer call() throws Exception {
        Budgets b = budgets.budgets();
        if (budgets.maxAccuracyDrop != null || budgets.minimize != null) {
            throw new UserInputException("optimize does not take --max-accuracy-drop or --minimize yet; measure "
                    + "accuracy with allocate or evaluate");
        }
        if (latencyFraction != null && !(latencyFraction > 0)) {
            throw new UserInputException("--latency-fraction must be positive: " + latencyFraction);
        }
        if (b.limits().isEmpty() && latencyFraction == null) {
            throw new UserInputException("give at least one budget: --max-size, --max-latency-ms or --max-energy-mj");
        }
        DeviceProfile profile = DeviceProfiles.load(deviceClass);
        ModelLoading loaded = ModelLoading.load(model);
        Preprocessing pre = data.preprocessing(loaded.model());
        SensitivityTable table = sensitivity.table(loaded, data,
                profile.allowedBits().stream().filter(x -> x != 32).toList(), 0);
        ActivationType acts = ActivationType.forProfile(profile);
        if (acts != null && data.data == null) {
            throw new UserInputException(deviceClass + " runs integer layers as W8A8: pass --data DIR for activation "
                    + "calibration images");
        }
        InputBatches calib = acts == null ? null : data.calibration(loaded.model(), loaded.analysis().input(),
                ActivationCalibrator.DEFAULT_IMAGES, "activation calibration");
        Files.createDirectories(out);
        ModelStore store = new ModelStore(out.resolve("store"));
        String runId = UUID.randomUUID().toString();
        try (RunStore runStore = RunStore.open(storeUrl != null ? storeUrl : RunStore.embeddedUrl(out), storeUser,
                storePassword)) {
            Map<String, Double> budgetView = new java.util.LinkedHashMap<>();
            b.limits().forEach((r, v) -> budgetView.put(r.label(), v));
            runStore.createRun(runId, model.toString(), deviceClass, budgetView);
            return run(b, profile, loaded, pre, table, acts, calib, store, runStore, runId);
        }
    }

    private int run(Budgets b, DeviceProfile profile, ModelLoading loaded, Preprocessing pre, SensitivityTable table,
                    ActivationType acts, InputBatches calib, ModelStore store, RunStore runStore, String runId)
            throws Exception {
        FleetRegistry registry = new FleetRegistry();
        Dispatcher[] dispatcher = new Dispatcher[1];
        var err = spec.commandLine().getErr();
        try (ModelHttpServer http = ModelHttpServer.start(store, httpHost, httpPort);
             FleetConnection fleet = new FleetConnection(broker, "sigmaquant-controller-" + UUID.randomUUID(),
                     registry::update, m -> dispatcher[0].onReply(m))) {
            dispatcher[0] = new Dispatcher(registry, fleet::publish);
            dispatcher[0].onLateResult(r -> runStore.recordMeasurement(runId, Map.of(), r));
            LoopSettings settings = new LoopSettings(deviceClass, b, maxIterations, tolerance,
                    new MeasurementJob.Settings(threads > 0 ? threads : profile.measurement().threads(),
                            profile.measurement().warmupRuns(), runs, minDurationMs, true),
                    Duration.ofSeconds(leaseSeconds), maxAttempts, Duration.ofSeconds(60),
                    "http://" + httpHost + ":" + http.port() + "/models/", batch,
                    latencyFraction == null ? 0 : latencyFraction);
            ClosedLoop loop = new ClosedLoop(loaded.analysis(), new PriorCostModel(profile, SizeBasis.PACKED, batch), table,
                    new ExportOptions(acts, loaded.analysis().opset(), 0), calib, pre, store, dispatcher[0], settings,
                    budgets.allocator(), it -> {
                        err.printf(Locale.ROOT, "[%d] %-11s on %s: predicted %.3f ms, measured %.3f ms, size %s%s%n",
                                it.index(), it.kind(), it.agentId(), it.predictedMs(), it.measuredMs(),
                                Output.bytes(Math.round(it.sizeBytes())), it.meetsBudgets() ? ", meets budgets" : "");
                        err.flush();
                    });
            loop.recordTo(new StoreRecorder(runStore, runId, deviceClass));
            LoopReport report = loop.run(model.getFileName().toString());
            runStore.finishRun(runId, report.converged(), report.reason());
            write(report, store);
            var w = spec.commandLine().getOut();
            w.printf("%s: %s (%d measurements)%n", report.converged() ? "converged" : "NOT converged", report.reason(),
                    report.measurements());
            if (holdout > 0 || compareRandom > 0) {
                LoopBenchmark bench = LoopBenchmark.run(loop, report, holdout, compareRandom);
                AtomicFile.write(out.resolve("benchmark.json"), Output.toJson(bench));
                w.println(bench.summary());
            }
            w.printf("report: %s (run %s in the store)%n", out.resolve("report.json"), runId);
            w.flush();
            return report.converged() ? 0 : 3;
        }
    }

    private void write(LoopReport report, ModelStore store) {
        AtomicFile.write(out.resolve("report.json"), Output.toJson(report));
        if (report.finalSha256() != null) {
            store.get(report.finalSha256()).ifPresent(f -> {
                try {
                    AtomicFile.write(out.resolve("model.onnx"), Files.readAllBytes(f));
                } catch (java.io.IOException e) {
                    throw new UserInputException("cannot copy the final model: " + e.getMessage(), e);
                }
            });
        }
        if (report.calibration() != null) {
            AtomicFile.write(out.resolve("cost-model.json"), Output.toJson(report.calibration()));
        }
    }

}
