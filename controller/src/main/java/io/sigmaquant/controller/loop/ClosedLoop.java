package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.calibration.Calibrator;
import io.sigmaquant.controller.calibration.LatencyFit;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import io.sigmaquant.controller.quant.QuantizedModel;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The hardware-in-the-loop closed loop for one device class (DESIGN §1): solve with the current cost model
 * (any {@link Allocator}; SigmaQuant by default), export the candidate, have an agent of the class measure it,
 * attribute its per-node times to layers, refit, re-solve. Calibration configurations come first so that the
 * fit is identifiable (see {@link #calibrationConfigs}). It stops when a measured candidate meets every budget
 * and the model had predicted its latency within the tolerance, or after the iteration limit (and says so).
 */
public final class ClosedLoop {
    private final ModelAnalysis analysis;
    private final PriorCostModel prior;
    private final SensitivityTable sensitivity;
    private final ExportOptions export;
    private final InputBatches calibrationImages;
    private final Preprocessing preprocessing;
    private final ModelStore store;
    private final Dispatcher dispatcher;
    private final LoopSettings settings;
    private final Allocator allocator;
    private final Consumer<LoopIteration> progress;
    private LoopRecorder recorder = LoopRecorder.NONE;

    public ClosedLoop(ModelAnalysis analysis, PriorCostModel prior, SensitivityTable sensitivity, ExportOptions export,
                      InputBatches calibrationImages, Preprocessing preprocessing, ModelStore store,
                      Dispatcher dispatcher, LoopSettings settings, Allocator allocator,
                      Consumer<LoopIteration> progress) {
        this.analysis = analysis;
        this.prior = prior;
        this.sensitivity = sensitivity;
        this.export = export;
        this.calibrationImages = calibrationImages;
        this.preprocessing = preprocessing;
        this.store = store;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.allocator = allocator;
        this.progress = progress;
    }

    private List<PastMeasurement> earlier = List.of();

    /**
     * Continues a run the controller was restarted in: its earlier measurements feed the fit and count as
     * iterations, and calibration configurations already measured are not measured again.
     */
    public ClosedLoop resumeFrom(List<PastMeasurement> past) {
        this.earlier = List.copyOf(past);
        return this;
    }

    /** Records every measurement, iteration and refit (e.g. in the store) from now on. */
    public ClosedLoop recordTo(LoopRecorder r) {
        this.recorder = r;
        return this;
    }

    private CostModel finalModel;
    private Budgets finalBudgets;

    public LoopReport run(String modelName) throws InterruptedException {
        Calibrator calibrator = new Calibrator(prior);
        try {
            return loop(modelName, calibrator);
        } finally {
            finalModel = calibrator.fit();
        }
    }

    /**
     * Benchmark: measures {@code count} random configurations that the loop never saw and compares each with
     * what the calibrated model predicts (run after {@link #run}).
     */
    public List<LoopIteration> holdOut(int count, long seed) throws InterruptedException {
        Random random = new Random(seed);
        List<Integer> allowed = List.copyOf(prior.profile().allowedBits());
        List<LoopIteration> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Integer> bits = randomBits(allowed, random);
            Measurement m = measure(bits, finalModel, i + 1, IterationKind.HELD_OUT, null, finalBudgets, false);
            out.add(m.iteration(Double.NaN));
            progress.accept(out.get(out.size() - 1));
        }
        return out;
    }

    /**
     * Benchmark: random configurations measured until one meets every budget (the loop's, as finally set), or
     * {@code limit} measurements; returns how many were needed, or -1.
     */
    public int randomSearch(int limit, long seed) throws InterruptedException {
        Random random = new Random(seed);
        List<Integer> allowed = List.copyOf(prior.profile().allowedBits());
        for (int i = 1; i <= limit; i++) {
            Measurement m = measure(randomBits(allowed, random), finalModel, i, IterationKind.RANDOM, null, finalBudgets, false);
            progress.accept(m.iteration(Double.NaN));
            if (m.meets()) {
                return i;
            }
        }
        return -1;
    }

    private Map<String, Integer> randomBits(List<Integer> allowed, Random random) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        analysis.layers().forEach(l -> bits.put(l.name(), allowed.get(random.nextInt(allowed.size()))));
        return bits;
    }

    private LoopReport loop(String modelName, Calibrator calibrator) throws InterruptedException {
        CostModel model = prior;
        List<Integer> allowed = List.copyOf(prior.profile().allowedBits());
        List<LoopIteration> iterations = new ArrayList<>();
        Budgets budgets = settings.budgets();
        int candidatesBefore = 0;
        for (PastMeasurement p : earlier) {
            QuantizedModel q = QdqExporter.export(analysis, p.bits(), export, calibrationImages);
            Measurement m = absorb(p.bits(), q, new Dispatcher.Measured(p.result(), p.agentId()), p.predictedMs(),
                    iterations.size() + 1, p.kind(), calibrator, budgets, true, store.put(q.model().toByteArray()));
            model = calibrator.fit();
            iterations.add(m.iteration(fitError(model)));
            budgets = budgetsAfter(budgets, p.bits(), p.result());
            candidatesBefore += p.kind() == IterationKind.CANDIDATE ? 1 : 0;
        }
        for (Map<String, Integer> config : calibrationConfigs(allowed)) {
            if (earlier.stream().anyMatch(p -> p.bits().equals(config))) {
                continue;
            }
            Measurement m = measure(config, model, iterations.size() + 1, IterationKind.CALIBRATION, calibrator, budgets);
            model = calibrator.fit();
            iterations.add(m.iteration(fitError(model)));
            record(iterations.get(iterations.size() - 1), m, model);
            progress.accept(iterations.get(iterations.size() - 1));
            budgets = budgetsAfter(budgets, config, m.measured().result());
        }
        finalBudgets = budgets;
        for (int i = candidatesBefore; i < settings.maxIterations(); i++) {
            AllocationProblem p = ProblemBuilder.build(analysis, model, sensitivity, allowed, budgets);
            Allocation a;
            try {
                a = allocator.allocate(p);
            } catch (InfeasibleBudgetException e) {
                LoopIteration last = iterations.get(iterations.size() - 1);
                return new LoopReport(modelName, settings.deviceClass(), false, "the model calibrated on "
                        + iterations.size() + " measurements says the budgets cannot be met: " + e.getMessage(),
                        iterations.size(), last.bits(), null, iterations, model.describe(), export(model));
            }
            Map<String, Integer> bits = a.bits(p);
            Measurement m = measure(bits, model, iterations.size() + 1, IterationKind.CANDIDATE, calibrator, budgets);
            model = calibrator.fit();
            LoopIteration it = m.iteration(fitError(model));
            iterations.add(it);
            record(it, m, model);
            progress.accept(it);
            double gap = Math.abs(it.predictedMs() - it.measuredMs()) / it.measuredMs();
            if (it.meetsBudgets() && gap <= settings.tolerance()) {
                return new LoopReport(modelName, settings.deviceClass(), true, String.format(Locale.ROOT,
                        "measured %.3f ms meets the budgets and the model predicted it within %.1f %%", it.measuredMs(),
                        100 * gap), iterations.size(), bits, m.sha256(), iterations, model.describe(), export(model));
            }
        }
        LoopIteration last = iterations.get(iterations.size() - 1);
        return new LoopReport(modelName, settings.deviceClass(), false, "iteration limit of " + settings.maxIterations()
                + " reached without a candidate that meets the budgets and is predicted within "
                + Math.round(100 * settings.tolerance()) + " %", iterations.size(), last.bits(), null, iterations,
                model.describe(), export(model));
    }

    /**
     * Configurations that make the fit identifiable: all float, all at the widest integer bitwidth (the two
     * formats a CPU board runs), and, where both exist, the two alternating layer by layer, which shows what a
     * change of format between neighbours costs.
     */
    private List<Map<String, Integer>> calibrationConfigs(List<Integer> allowed) {
        List<Map<String, Integer>> configs = new ArrayList<>();
        Integer widestInt = allowed.stream().filter(b -> b <= 8).max(Integer::compare).orElse(null);
        boolean hasFloat = allowed.contains(32);
        if (hasFloat) {
            configs.add(uniform(32));
        }
        if (widestInt != null) {
            configs.add(uniform(widestInt));
        }
        if (hasFloat && widestInt != null) {
            Map<String, Integer> alternating = new LinkedHashMap<>();
            List<Layer> layers = analysis.layers();
            for (int i = 0; i < layers.size(); i++) {
                alternating.put(layers.get(i).name(), i % 2 == 0 ? widestInt : 32);
            }
            configs.add(alternating);
        }
        return configs;
    }

    private Map<String, Integer> uniform(int bits) {
        Map<String, Integer> config = new LinkedHashMap<>();
        analysis.layers().forEach(l -> config.put(l.name(), bits));
        return config;
    }

    private record Measurement(int index, IterationKind kind, Map<String, Integer> bits, Dispatcher.Measured measured,
                               double predictedMs, double sizeBytes, boolean meets, String sha256) {
        LoopIteration iteration(double fitError) {
            JobResult r = measured.result();
            return new LoopIteration(index, kind, bits, measured.agentId(), predictedMs, r.latency().medianMs(),
                    r.energy().millijoulesPerInference(), r.energy().estimated(), sizeBytes, meets, fitError);
        }
    }

    private Measurement measure(Map<String, Integer> bits, CostModel model, int index, IterationKind kind,
                                Calibrator calibrator, Budgets budgets) throws InterruptedException {
        return measure(bits, model, index, kind, calibrator, budgets, true);
    }

    /** @param learn false for held-out and random-search measurements, which must not feed the fit */
    private Measurement measure(Map<String, Integer> bits, CostModel model, int index, IterationKind kind,
                                Calibrator calibrator, Budgets budgets, boolean learn) throws InterruptedException {
        QuantizedModel q = QdqExporter.export(analysis, bits, export, calibrationImages);
        byte[] bytes = q.model().toByteArray();
        String sha = store.put(bytes);
        double predictedMs = model.remainder().latencyMs() + analysis.layers().stream()
                .mapToDouble(l -> model.cost(l, bits.get(l.name())).latencyMs()).sum();
        MeasurementJob job = new MeasurementJob(Messages.SCHEMA_VERSION, null, settings.runId(),
                "loop-" + UUID.randomUUID(), 1, new MeasurementJob.ModelRef(settings.modelBaseUrl() + sha, sha,
                bytes.length), input(), settings.measurement(), System.currentTimeMillis()
                + settings.lease().toMillis(), workload(bits));
        Dispatcher.Measured measured = dispatcher.measure(settings.deviceClass(), job,
                new JobPolicy(settings.lease(), settings.maxAttempts(), settings.waitForAgent()));
        recorder.measured(measured, bits);
        return absorb(bits, q, measured, predictedMs, index, kind, calibrator, budgets, learn, sha);
    }

    /** Attributes a result's node times to layers, feeds the fit (unless a benchmark) and checks the budgets. */
    private Measurement absorb(Map<String, Integer> bits, QuantizedModel q, Dispatcher.Measured measured,
                               double predictedMs, int index, IterationKind kind, Calibrator calibrator, Budgets budgets,
                               boolean learn, String sha) {
        JobResult r = measured.result();
        NodeAttribution.Attribution attribution = new NodeAttribution(q.model().getGraph(),
                bits.keySet()).attribute(r.nodes());
        if (learn) {
            for (Layer l : analysis.layers()) {
                Double us = attribution.layerMicros().get(l.name());
                if (us != null) {
                    calibrator.addLayer(l, bits.get(l.name()), us);
                }
            }
            calibrator.addEndToEnd(analysis.layers(), bits, r.latency().medianMs());
            if (!r.energy().estimated()) {
                calibrator.addEnergy(analysis.layers(), bits, r.energy().millijoulesPerInference());
            }
        }
        double size = q.packedBytes();
        boolean meets = within(budgets, Resource.SIZE, size) && within(budgets, Resource.LATENCY, r.latency().medianMs())
                && within(budgets, Resource.ENERGY, r.energy().millijoulesPerInference());
        return new Measurement(index, kind, bits, measured, predictedMs, size, meets, sha);
    }

    /** Once the float model is measured, a latency budget given as a fraction of it becomes a number. */
    private Budgets budgetsAfter(Budgets budgets, Map<String, Integer> bits, JobResult r) {
        boolean allFloat = bits.values().stream().allMatch(b -> b == 32);
        if (allFloat && settings.latencyFractionOfFloat() > 0) {
            return budgets.with(Resource.LATENCY, settings.latencyFractionOfFloat() * r.latency().medianMs());
        }
        return budgets;
    }

    private static boolean within(Budgets budgets, Resource r, double value) {
        return !budgets.has(r) || value <= budgets.limit(r);
    }

    private MeasurementJob.InputSpec input() {
        List<Long> shape = new ArrayList<>();
        for (long d : analysis.input().withBatch(settings.batch())) {
            shape.add(d);
        }
        return new MeasurementJob.InputSpec(analysis.input().name(), shape, preprocessing.scale(), preprocessing.mean(),
                preprocessing.std());
    }

    private List<MeasurementJob.LayerWork> workload(Map<String, Integer> bits) {
        return analysis.layers().stream().map(l -> new MeasurementJob.LayerWork(l.name(), l.macs(), l.weightParams(),
                bits.get(l.name()), l.inputElements() + l.outputElements())).toList();
    }

    private void record(LoopIteration it, Measurement m, CostModel model) {
        JobResult r = m.measured().result();
        recorder.iteration(it, r.jobId(), r.attempt());
        if (model instanceof CalibratedCostModel c) {
            recorder.calibrated(c.export());
        }
    }

    private static CalibratedCostModel.Export export(CostModel model) {
        return model instanceof CalibratedCostModel c ? c.export() : null;
    }

    private static double fitError(CostModel model) {
        if (model instanceof CalibratedCostModel c) {
            return c.fits().values().stream().mapToDouble(LatencyFit::heldOutMedianApe).filter(d -> !Double.isNaN(d))
                    .max().orElse(Double.NaN);
        }
        return Double.NaN;
    }
}
