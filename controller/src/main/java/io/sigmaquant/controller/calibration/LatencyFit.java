package io.sigmaquant.controller.calibration;

import io.sigmaquant.profiles.FormatCost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A per-format linear latency model t = θ·[MACs, weight bytes, activation bytes, 1], fitted by ridge
 * regression toward the profile's prior θ₀ = [1/throughput, 0, 0, overhead]: with few measurements the prior
 * dominates, with many the data does. Each coefficient's pull is scaled by its natural size, so the
 * regularisation is unit-free; {@code heldOutMedianApe} is the k-fold cross-validated median absolute
 * percentage error of per-layer predictions.
 *
 * @param theta seconds per MAC, per weight byte, per activation byte, and per layer
 */
public record LatencyFit(double[] theta, int observations, double heldOutMedianApe) {
    /** Weight of the prior against the data, in units of one observation's squared relative error. */
    public static final double PRIOR_WEIGHT = 1.0;
    static final int FOLDS = 5;

    /** One measured layer: its features and its kernel time in seconds. */
    public record Observation(LayerFeatures features, double seconds) {
    }

    public double predictSeconds(LayerFeatures f) {
        double[] x = f.vector();
        double t = 0;
        for (int j = 0; j < x.length; j++) {
            t += theta[j] * x[j];
        }
        return Math.max(0, t);
    }

    public static double[] prior(FormatCost cost) {
        return new double[] {1 / cost.macsPerSecond(), 0, 0, cost.layerOverheadUs() * 1e-6};
    }

    static double[] scales(FormatCost cost) {
        return new double[] {1 / cost.macsPerSecond(), 1 / cost.bytesPerSecond(), 1 / cost.bytesPerSecond(),
                Math.max(cost.layerOverheadUs(), 1) * 1e-6};
    }

    public static LatencyFit fit(FormatCost cost, List<Observation> data) {
        double[] theta = solve(prior(cost), scales(cost), data);
        return new LatencyFit(theta, data.size(), crossValidatedApe(cost, data));
    }

    private static double crossValidatedApe(FormatCost cost, List<Observation> data) {
        if (data.size() < 2) {
            return Double.NaN;
        }
        int folds = Math.min(FOLDS, data.size());
        List<Double> errors = new ArrayList<>();
        for (int k = 0; k < folds; k++) {
            List<Observation> train = new ArrayList<>();
            List<Observation> test = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                (i % folds == k ? test : train).add(data.get(i));
            }
            LatencyFit f = new LatencyFit(solve(prior(cost), scales(cost), train), train.size(), Double.NaN);
            for (Observation o : test) {
                if (o.seconds() > 0) {
                    errors.add(Math.abs(f.predictSeconds(o.features()) - o.seconds()) / o.seconds());
                }
            }
        }
        if (errors.isEmpty()) {
            return Double.NaN;
        }
        double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
    }

    /**
     * θ minimising Σ((y − θ·x)/y)² + λ Σ((θ_j − θ₀_j)/s_j)²: relative errors, so small layers count as much as
     * large ones, and moving a coefficient by its natural size costs as much as one layer predicted 100 % off.
     */
    static double[] solve(double[] prior, double[] scale, List<Observation> data) {
        // Solved in scaled coordinates z = θ / s with rows x·s / y and target 1, so the normal equations are
        // of order one whatever the units (MACs are 1e6, the constant is 1).
        int p = prior.length;
        double[][] a = new double[p][p + 1];
        for (int j = 0; j < p; j++) {
            a[j][j] += PRIOR_WEIGHT;
            a[j][p] += PRIOR_WEIGHT * prior[j] / scale[j];
        }
        for (Observation o : data) {
            if (!(o.seconds() > 0)) {
                continue; // a zero-time kernel says nothing about the coefficients
            }
            double[] x = o.features().vector();
            double[] row = new double[p];
            for (int j = 0; j < p; j++) {
                row[j] = x[j] * scale[j] / o.seconds();
            }
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += row[r] * row[c];
                }
                a[r][p] += row[r];
            }
        }
        double[] z = gauss(a);
        double[] theta = new double[p];
        for (int j = 0; j < p; j++) {
            theta[j] = z[j] * scale[j];
        }
        return theta;
    }

    /** Solves the augmented system by Gaussian elimination with partial pivoting (small, symmetric positive definite). */
    static double[] gauss(double[][] a) {
        int n = a.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= n; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    @Override
    public String toString() {
        return "LatencyFit" + Arrays.toString(theta) + " n=" + observations + " heldOutMedianApe=" + heldOutMedianApe;
    }
}
