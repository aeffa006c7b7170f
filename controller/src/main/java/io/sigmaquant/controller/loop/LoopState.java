package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.calibration.Calibrator;
import io.sigmaquant.controller.calibration.LatencyFit;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.PriorCostModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Everything the loop knows and changes as it goes, in one place: the measurements so far as iterations, those
 * it learns from and the cost model it last fitted on them (drift-corrected, {@link DriftCorrection}), the
 * budgets (the latency one set from the float model when given as a fraction), and how many configurations the
 * loop itself chose.
 */
final class LoopState {
    /** A measurement the fit learns from, with what is computed once from it. */
    record Learned(Measurement measurement, LatencyReading reading, NodeAttribution.Attribution attribution) {
    }

    private final PriorCostModel prior;
    private final List<Layer> layers;
    private final Budgets given;
    private final double latencyFractionOfFloat;
    private final DriftCorrection drift = new DriftCorrection();
    private final List<Learned> learned = new ArrayList<>();
    private final List<LoopIteration> iterations = new ArrayList<>();
    private final List<String> sha256s = new ArrayList<>();
    private CostModel model;
    private Budgets budgets;
    private int chosen;
    private String lastSha256;

    LoopState(PriorCostModel prior, List<Layer> layers, Budgets budgets, double latencyFractionOfFloat) {
        this.prior = prior;
        this.layers = layers;
        this.model = prior;
        this.given = budgets;
        this.budgets = budgets;
        this.latencyFractionOfFloat = latencyFractionOfFloat;
    }

    /**
     * Feeds a measurement to the fit (when its kind learns), refits, and appends it as the next iteration.
     *
     * @param predictedMs what the cost model predicted before this measurement
     */
    LoopIteration add(Measurement m, IterationKind kind, double predictedMs) {
        LatencyReading reading = m.reading();
        boolean reference = MeasurementRig.isFloat(m.bits());
        drift.observe(reading, reference);
        budgets = budgetsNow();
        if (kind.learns()) {
            learned.add(new Learned(m, reading, m.attribution()));
            model = fit(learned);
        }
        LoopIteration it = m.iteration(iterations.size() + 1, kind, predictedMs, budgets,
                drift.correct(reading, reference), fitError());
        iterations.add(it);
        sha256s.add(m.sha256());
        chosen += kind.chosenByTheLoop() ? 1 : 0;
        lastSha256 = m.sha256();
        return it;
    }

    /** A measurement the loop neither learns from nor counts (benchmarks), judged like the loop's own. */
    LoopIteration aside(Measurement m, int index, IterationKind kind, double predictedMs) {
        return m.iteration(index, kind, predictedMs, budgets, drift.correct(m.reading(), MeasurementRig.isFloat(m.bits())),
                Double.NaN);
    }

    /**
     * Cost models refitted on resamples (with replacement) of the measurements learned from: their spread is
     * what the loop does not know yet.
     */
    List<CostModel> bootstrap(int count, long seed) {
        Random random = new Random(seed ^ learned.size());
        List<CostModel> models = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<Learned> sample = new ArrayList<>();
            for (int i = 0; i < learned.size(); i++) {
                sample.add(learned.get(random.nextInt(learned.size())));
            }
            models.add(fit(sample));
        }
        return models;
    }

    private CostModel fit(List<Learned> data) {
        if (data.isEmpty()) {
            return prior;
        }
        Calibrator calibrator = new Calibrator(prior);
        for (Learned l : data) {
            Measurement m = l.measurement();
            double correctedMs = drift.correct(l.reading(), MeasurementRig.isFloat(m.bits())).ms();
            double driftFactor = l.reading().medianMs() > 0 ? correctedMs / l.reading().medianMs() : 1;
            for (Layer layer : layers) {
                Double us = l.attribution().layerMicros().get(layer.name());
                if (us != null) {
                    calibrator.addLayer(layer, m.bits().get(layer.name()), us * driftFactor);
                }
            }
            calibrator.addEndToEnd(layers, m.bits(), correctedMs);
            if (!m.result().energy().estimated()) {
                calibrator.addEnergy(layers, m.bits(), m.result().energy().millijoulesPerInference());
            }
        }
        return calibrator.fit();
    }

    /** A latency budget given as a fraction of the float model is that fraction of its typical latency so far. */
    private Budgets budgetsNow() {
        double baseline = drift.baselineMs();
        if (latencyFractionOfFloat > 0 && baseline > 0) {
            return given.with(Resource.LATENCY, latencyFractionOfFloat * baseline);
        }
        return given;
    }

    private double fitError() {
        if (model instanceof CalibratedCostModel c) {
            return c.fits().values().stream().mapToDouble(LatencyFit::heldOutMedianApe).filter(d -> !Double.isNaN(d))
                    .max().orElse(Double.NaN);
        }
        return Double.NaN;
    }

    CostModel model() {
        return model;
    }

    /** The calibrated model's export, or null while the prior is all there is. */
    CalibratedCostModel.Export calibration() {
        return model instanceof CalibratedCostModel c ? c.export() : null;
    }

    Budgets budgets() {
        return budgets;
    }

    List<LoopIteration> iterations() {
        return iterations;
    }

    LoopIteration last() {
        return iterations.get(iterations.size() - 1);
    }

    /** The loop's own choices so far (candidates and explorations), which the iteration limit counts. */
    int chosen() {
        return chosen;
    }

    /** The artifact of the latest measurement. */
    String lastSha256() {
        return lastSha256;
    }

    /**
     * Whether the loop measured this configuration for itself and it met the budgets every time: the board's
     * state differs between jobs by more than one job's interval shows, so one lucky measurement of a
     * configuration that another measurement found over the budget proves nothing.
     */
    boolean provenByEveryMeasurement(LoopIteration it) {
        return it.kind().learns() && it.meetsBudgets() && iterations.stream()
                .filter(o -> o.kind().learns() && o.bits().equals(it.bits())).allMatch(LoopIteration::meetsBudgets);
    }

    /** The artifact measured in iteration {@code index} (1-based). */
    String shaOf(int index) {
        return sha256s.get(index - 1);
    }

    /** The reference model's typical latency in this run, or NaN before it was measured. */
    double baselineMs() {
        return drift.baselineMs();
    }
}
