package io.sigmaquant.controller.allocation;

import java.util.Arrays;

/**
 * The LP value of the layers still open in a bounded search, as a function of the capacity of one resource
 * left to them, with the other budgeted resources priced by fixed multipliers:
 * <pre>
 *   g(R) = min Σ_l w_l(x_l) over fractional choices with Σ_l c_l(x_l) ≤ R,   w = D + Σ_{o≠r} λ_o c_o,
 * </pre>
 * which is a lower bound on any completion's Σ w. It is the hull walk of {@link LagrangianRelaxation} kept as
 * a profile: the cheapest choices' totals, then the hull segments in order of slope with running sums, so that
 * g(R) is one binary search. Profiles are built from the last open layer backwards, each adding one layer's
 * segments to the next one's.
 */
final class CompletionProfile {
    static final CompletionProfile EMPTY = new CompletionProfile(0, 0, new double[0], new double[0], new double[0]);

    private final double baseCost;
    private final double baseW;
    /** Segments in order of slope: their Δcost and Δw, and the running sums before each. */
    private final double[] dc;
    private final double[] dw;
    private final double[] slope;
    private final double[] cumC;
    private final double[] cumW;

    private CompletionProfile(double baseCost, double baseW, double[] dc, double[] dw, double[] slope) {
        this.baseCost = baseCost;
        this.baseW = baseW;
        this.dc = dc;
        this.dw = dw;
        this.slope = slope;
        this.cumC = new double[dc.length + 1];
        this.cumW = new double[dc.length + 1];
        for (int i = 0; i < dc.length; i++) {
            cumC[i + 1] = cumC[i] + dc[i];
            cumW[i + 1] = cumW[i] + dw[i];
        }
    }

    /** This profile with one more layer, given its choices' w and c (only the choices it may take). */
    CompletionProfile with(double[] w, double[] c) {
        int[] hull = HullWalk.lowerHull(w, c);
        int added = hull.length - 1;
        double[] nDc = new double[added];
        double[] nDw = new double[added];
        double[] nSlope = new double[added];
        for (int h = 1; h < hull.length; h++) {
            nDc[h - 1] = c[hull[h]] - c[hull[h - 1]];
            nDw[h - 1] = w[hull[h]] - w[hull[h - 1]];
            nSlope[h - 1] = nDw[h - 1] / nDc[h - 1]; // rising along a hull, so already sorted
        }
        int n = dc.length + added;
        double[] mDc = new double[n];
        double[] mDw = new double[n];
        double[] mSlope = new double[n];
        for (int i = 0, a = 0, b = 0; i < n; i++) {
            boolean takeOld = b >= added || (a < dc.length && slope[a] <= nSlope[b]);
            mDc[i] = takeOld ? dc[a] : nDc[b];
            mDw[i] = takeOld ? dw[a] : nDw[b];
            mSlope[i] = takeOld ? slope[a++] : nSlope[b++];
        }
        return new CompletionProfile(baseCost + c[hull[0]], baseW + w[hull[0]], mDc, mDw, mSlope);
    }

    /** g(R): +∞ when even the cheapest choices need more than R. */
    double value(double capacity) {
        double left = capacity - baseCost;
        if (left < 0) {
            return Double.POSITIVE_INFINITY;
        }
        // the last segment boundary within capacity: cumC is ascending
        int i = Arrays.binarySearch(cumC, left);
        int full = i >= 0 ? i : -i - 2;
        double v = baseW + cumW[full];
        if (full < dc.length) {
            v += (left - cumC[full]) / dc[full] * dw[full];
        }
        return v;
    }
}
