package io.sigmaquant.controller.calibration;

import java.util.List;
import java.util.function.Predicate;

/**
 * What end-to-end times say beyond the layers: measured − Σ layer kernels (each in its neighbourhood) =
 * r0 + β × elements converted at float/int8 boundaries, both non-negative. β is pulled toward zero with the
 * weight of a quarter of one observation of the configurations' spread in boundary elements: configurations
 * that all convert as much (one alone, or the same one repeated) give a remainder and no boundary cost, and
 * with n that differ β keeps about n / (n + ¼) of what the data say.
 */
final class EndToEndFit {
    /** Weight of β's prior (zero) against the data, in observations of the spread of boundary elements. */
    static final double PRIOR_WEIGHT = 0.25;

    private EndToEndFit() {
    }

    static CalibratedCostModel.Terms fit(CalibratedCostModel layers, List<Calibrator.EndToEnd> data) {
        int n = data.size();
        double batch = layers.prior().batch();
        double[] x = new double[n];
        double[] r = new double[n];
        double allInteger = 0;
        for (int i = 0; i < n; i++) {
            Calibrator.EndToEnd e = data.get(i);
            FormatBoundaries boundaries = new FormatBoundaries(e.layers());
            Predicate<String> integer = layers.integerActivations(e.bits());
            x[i] = batch * boundaries.elements(integer) * 1e3; // ms per (seconds per element)
            r[i] = e.measuredMs() - e.layers().stream().mapToDouble(l -> layers.kernelMs(l, e.bits().get(l.name()),
                    boundaries.context(l.name(), integer))).sum();
            allInteger = batch * boundaries.elements(name -> true) * 1e3;
        }
        double[] rb = solve(x, r);
        return new CalibratedCostModel.Terms(rb[0], 0, rb[1], rb[1] * allInteger,
                layers.terms().contextOffsetSeconds());
    }

    /** Non-negative (r0, β) minimising Σ (r − r0 − β x)² + λ β² Σ (x − x̄)² / n. */
    static double[] solve(double[] x, double[] r) {
        int n = x.length;
        if (n == 0) {
            return new double[] {0, 0};
        }
        double sx = 0;
        double sr = 0;
        double sxx = 0;
        double sxr = 0;
        for (int i = 0; i < n; i++) {
            sx += x[i];
            sr += r[i];
            sxx += x[i] * x[i];
            sxr += x[i] * r[i];
        }
        double spread = sxx - sx * sx / n; // Σ (x − x̄)²
        if (!(spread > 1e-12 * sxx) || n < 2) {
            return new double[] {Math.max(0, sr / n), 0};
        }
        double penalty = PRIOR_WEIGHT * spread / n;
        double a = sxx + penalty;
        double det = n * a - sx * sx;
        double r0 = (a * sr - sx * sxr) / det;
        double beta = (n * sxr - sx * sr) / det;
        if (beta < 0) {
            return new double[] {Math.max(0, sr / n), 0};
        }
        if (r0 < 0) {
            return new double[] {0, Math.max(0, sxr / a)};
        }
        return new double[] {r0, beta};
    }
}
