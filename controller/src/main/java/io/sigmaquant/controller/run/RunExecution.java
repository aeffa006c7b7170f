package io.sigmaquant.controller.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.loop.ClosedLoop;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopRecorder;
import io.sigmaquant.controller.loop.LoopReport;
import io.sigmaquant.controller.loop.LoopTimings;
import io.sigmaquant.controller.loop.LoopSettings;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one checked request through the closed loop — the same code for {@code optimize} in-process and for a
 * run of the service — and writes its results into a folder: {@code layers.json} (first), {@code model.onnx},
 * {@code report.html} (the charts, self-contained), {@code report.json},
 * {@code cost-model.json} and, for the benchmarks, {@code benchmark.json}, each atomically. The report is the
 * loop's with how activations were calibrated added (see {@link ActivationCalibration}).
 */
public final class RunExecution {
    /** Calibration images for outputs-mode sensitivity. */
    public static final int SENSITIVITY_IMAGES = 256;

    /** What the run uses and does not own; {@code timings} is told how long each refit and decision took. */
    public record Infrastructure(Dispatcher dispatcher, ModelStore models, String modelBaseUrl, Path sensitivityCache,
                                 Duration waitForAgent, LoopTimings timings) {
        /** Untimed. */
        public Infrastructure(Dispatcher dispatcher, ModelStore models, String modelBaseUrl, Path sensitivityCache,
                              Duration waitForAgent) {
            this(dispatcher, models, modelBaseUrl, sensitivityCache, waitForAgent, LoopTimings.NONE);
        }
    }

    /** The loop's report, how its activations were calibrated and, when asked for, the benchmark after it. */
    public record Outcome(LoopReport report, LoopBenchmark benchmark, ActivationCalibration calibration) {
    }

    private RunExecution() {
    }

    /**
     * @param runId   the run's id (the jobs' correlation id)
     * @param earlier measurements this run made before a controller restart; they seed the fit and count
     */
    public static Outcome run(String runId, PreparedRun run, Allocator allocator, Infrastructure infra, LoopRecorder recorder,
                              List<PastMeasurement> earlier, Consumer<LoopIteration> progress, Path outDir)
            throws InterruptedException {
        RunRequest r = run.request();
        InputBatches calibration = run.activationCalibration();
        ActivationCalibration calibrated = run.describe(calibration);
        SensitivityTable sensitivity = run.sensitivity(infra.sensitivityCache(), SENSITIVITY_IMAGES);
        // at once, not with the results: the dashboard shows σ and sensitivity beside the bits while the run goes
        List<LayerSummary> layers = LayerSummary.of(run.analysis(), sensitivity);
        JsonFiles.write(outDir.resolve(LayerSummary.FILE), layers);
        TimeProfileRecorder profiled = new TimeProfileRecorder(recorder, outDir, TimeProfile.of(earlier));
        ClosedLoop loop = ClosedLoop.builder()
                .model(run.modelUnderTest(calibration))
                .prior(run.prior()).sensitivity(sensitivity)
                .allocator(allocator).settings(settings(runId, run, infra)).measuredBy(infra.models(), infra.dispatcher())
                .progress(progress).recordTo(profiled).timedBy(infra.timings()).resumeFrom(earlier).build();
        LoopReport report = loop.run(run.modelFile().getFileName().toString());
        ObjectNode json = writeResults(outDir, report, calibrated, infra.models(), r.budgetView(), layers,
                profiled.profile());
        LoopBenchmark bench = null;
        if (r.holdout() > 0 || r.compareRandom() > 0) {
            bench = LoopBenchmark.run(loop, report, r.holdout(), r.compareRandom(), r.seed());
            JsonFiles.write(outDir.resolve("benchmark.json"), bench);
            ReportHtml.write(outDir, json, r.budgetView(), layers, bench.heldOut(), profiled.profile()); // now with the held-out points
        }
        return new Outcome(report, bench, calibrated);
    }

    private static LoopSettings settings(String runId, PreparedRun run, Infrastructure infra) {
        RunRequest r = run.request();
        DeviceProfile.Measurement profile = run.profile().measurement();
        return LoopSettings.builder(runId, run.profile().id()).budgets(r.budgets())
                .stopAfter(r.maxIterations(), r.tolerance())
                // threads 0 travels as is: the agent takes the profile's threads capped at its own cores
                .measurement(new MeasurementJob.Settings(r.threads(), profile.warmupRuns(), r.runs(), r.minDurationMs(), true))
                .jobs(new JobPolicy(Duration.ofSeconds(r.leaseSeconds()), r.maxAttempts(), infra.waitForAgent()))
                .modelBaseUrl(infra.modelBaseUrl()).batch(r.batch())
                .latencyFractionOfFloat(r.latencyFraction() == null ? 0 : r.latencyFraction())
                .pairedReference(pairsWithFloat(run)).seed(r.seed()).build();
    }

    /**
     * The float model is the reference measured beside each candidate only on a board that runs it: a bit-serial
     * accelerator (2–8 bits) refuses a job whose reference has 32-bit layers, so its runs go unpaired.
     */
    static boolean pairsWithFloat(PreparedRun run) {
        return run.request().pairedReference() && run.profile().allowedBits().contains(32);
    }

    /** @return report.json's content */
    private static ObjectNode writeResults(Path outDir, LoopReport report, ActivationCalibration calibrated,
                                           ModelStore models, Map<String, Double> budgets, List<LayerSummary> layers,
                                           TimeProfile profile) {
        if (report.finalSha256() != null) {
            Path model = models.get(report.finalSha256()).orElseThrow(() -> new IllegalStateException(
                    "the final model " + report.finalSha256() + " is not in the model store"));
            try {
                AtomicFile.write(outDir.resolve("model.onnx"), Files.readAllBytes(model));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the final model", e);
            }
        }
        if (report.calibration() != null) {
            JsonFiles.write(outDir.resolve("cost-model.json"), report.calibration());
        }
        ObjectNode json = calibrated.addTo(report, JsonFiles.JSON);
        ReportHtml.write(outDir, json, budgets, layers, List.of(), profile);
        // last: its presence says the run is complete
        JsonFiles.write(outDir.resolve("report.json"), json);
        return json;
    }
}
