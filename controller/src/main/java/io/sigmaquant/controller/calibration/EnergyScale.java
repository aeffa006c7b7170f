package io.sigmaquant.controller.calibration;

import java.util.Arrays;
import java.util.List;

/**
 * The energy calibration of a device class: agents measure energy end to end, not per layer, so the fit is one
 * factor k on the prior's per-layer energies, E(config) ≈ k · Σ prior energy, regularised toward k = 1 with the
 * weight of one observation. Estimated energies are never fitted (they come from the same prior). Like the
 * latency fits it keeps its held-out error: the median absolute percentage error of leave-one-out predictions.
 */
public record EnergyScale(double factor, int observations, double heldOutMedianApe) {
    /** No metered energy yet: the prior as it is. */
    public static final EnergyScale PRIOR = new EnergyScale(1, 0, Double.NaN);

    /** One configuration: measured energy and what the prior predicted for it, mJ per inference. */
    public record Observation(double measuredMj, double priorMj) {
    }

    public static EnergyScale fit(List<Observation> data) {
        List<Observation> usable = data.stream().filter(o -> o.priorMj() > 0 && o.measuredMj() > 0).toList();
        if (usable.isEmpty()) {
            return PRIOR;
        }
        double k = factor(usable, -1);
        double[] ape = new double[usable.size() > 1 ? usable.size() : 0];
        for (int i = 0; i < ape.length; i++) {
            Observation o = usable.get(i);
            ape[i] = Math.abs(factor(usable, i) * o.priorMj() - o.measuredMj()) / o.measuredMj();
        }
        Arrays.sort(ape);
        double median = ape.length == 0 ? Double.NaN
                : ape.length % 2 == 1 ? ape[ape.length / 2] : (ape[ape.length / 2 - 1] + ape[ape.length / 2]) / 2;
        return new EnergyScale(k, usable.size(), median);
    }

    /** Ridge toward 1: minimises Σ (E − k·P)² + s·(k − 1)² with s the mean P², leaving out index {@code skip}. */
    private static double factor(List<Observation> data, int skip) {
        double ep = 0;
        double pp = 0;
        int n = 0;
        for (int i = 0; i < data.size(); i++) {
            if (i != skip) {
                Observation o = data.get(i);
                ep += o.measuredMj() * o.priorMj();
                pp += o.priorMj() * o.priorMj();
                n++;
            }
        }
        double s = pp / n;
        return (ep + s) / (pp + s);
    }
}
