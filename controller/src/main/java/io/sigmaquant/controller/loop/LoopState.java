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
import io.sigmaquant.protocol.message.JobResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the loop knows and changes as it goes, in one place: the measurements so far as iterations, the
 * calibrator they feed and the cost model it last fitted, the budgets (the latency one set from the float
 * model's measurement when given as a fraction), and how many candidates were measured.
 */
final class LoopState {
    private final List<Layer> layers;
    private final Calibrator calibrator;
    private final double latencyFractionOfFloat;
    private final List<LoopIteration> iterations = new ArrayList<>();
    private CostModel model;
    private Budgets budgets;
    private int candidates;
    private String lastSha256;

    LoopState(PriorCostModel prior, List<Layer> layers, Budgets budgets, double latencyFractionOfFloat) {
        this.layers = layers;
        this.calibrator = new Calibrator(prior);
        this.model = prior;
        this.budgets = budgets;
        this.latencyFractionOfFloat = latencyFractionOfFloat;
    }

    /**
     * Feeds a measurement to the fit, refits, and appends it as the next iteration.
     *
     * @param predictedMs     what the cost model predicted before this measurement
     * @param setsLatencyBudget whether an all-float measurement may set a latency budget given as a fraction
     */
    LoopIteration add(Measurement m, IterationKind kind, double predictedMs, boolean setsLatencyBudget) {
        learn(m);
        model = calibrator.fit();
        LoopIteration it = m.iteration(iterations.size() + 1, kind, predictedMs, budgets, fitError());
        iterations.add(it);
        candidates += kind == IterationKind.CANDIDATE ? 1 : 0;
        lastSha256 = m.sha256();
        if (setsLatencyBudget) {
            budgets = budgetsAfter(m);
        }
        return it;
    }

    private void learn(Measurement m) {
        JobResult r = m.result();
        NodeAttribution.Attribution attribution = m.attribution();
        for (Layer l : layers) {
            Double us = attribution.layerMicros().get(l.name());
            if (us != null) {
                calibrator.addLayer(l, m.bits().get(l.name()), us);
            }
        }
        calibrator.addEndToEnd(layers, m.bits(), r.latency().medianMs());
        if (!r.energy().estimated()) {
            calibrator.addEnergy(layers, m.bits(), r.energy().millijoulesPerInference());
        }
    }

    /** Once the float model is measured, a latency budget given as a fraction of it becomes a number. */
    private Budgets budgetsAfter(Measurement m) {
        boolean allFloat = m.bits().values().stream().allMatch(b -> b == 32);
        if (allFloat && latencyFractionOfFloat > 0) {
            return budgets.with(Resource.LATENCY, latencyFractionOfFloat * m.result().latency().medianMs());
        }
        return budgets;
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

    int candidates() {
        return candidates;
    }

    /** The artifact of the latest measurement. */
    String lastSha256() {
        return lastSha256;
    }
}
