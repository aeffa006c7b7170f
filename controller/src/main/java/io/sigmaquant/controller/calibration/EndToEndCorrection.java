package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What the end-to-end times still say after the kernel fits, the neighbourhood offsets and the boundaries: a
 * per-layer correction for running that layer in float (ONNX Runtime fuses, reorders and converts across
 * neighbours in ways the profile charges elsewhere or not at all) and a constant, fitted on the configurations'
 * relative residuals by ridge regression. The ridge weight is chosen by leave-one-out cross-validation of the
 * correction among a few, "no correction" included (the model under it was fitted on every configuration, so this
 * judges the correction, not the whole model).
 *
 * @param constantMs        added to every configuration
 * @param floatLayerMs      added when the layer runs in float, by layer name
 */
public record EndToEndCorrection(double constantMs, Map<String, Double> floatLayerMs) {
    public static final EndToEndCorrection NONE = new EndToEndCorrection(0, Map.of());
    /** Ridge weights tried, in units of one configuration's squared relative error per relative correction². */
    static final double[] LAMBDAS = {0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10};
    /** Fewer configurations than this give no correction: leave-one-out needs something to leave out. */
    static final int MIN_CONFIGURATIONS = 4;

    public EndToEndCorrection {
        floatLayerMs = Map.copyOf(floatLayerMs);
    }

    /** The correction of one configuration, in ms. */
    public double ms(Map<String, Integer> bits) {
        double ms = constantMs;
        for (Map.Entry<String, Double> e : floatLayerMs.entrySet()) {
            Integer b = bits.get(e.getKey());
            ms += b != null && b == 32 ? e.getValue() : 0;
        }
        return ms;
    }

    /**
     * @param data      the measured configurations
     * @param predictMs the model's whole-configuration prediction without a correction
     */
    static EndToEndCorrection fit(List<Layer> layers, List<Calibrator.EndToEnd> data,
                                  ToDoubleFunction<Calibrator.EndToEnd> predictMs) {
        int n = data.size();
        if (n < MIN_CONFIGURATIONS || layers.isEmpty()) {
            return NONE;
        }
        int p = layers.size() + 1;
        double[][] x = new double[n][p];
        double[] y = new double[n];
        double[] measured = data.stream().mapToDouble(Calibrator.EndToEnd::measuredMs).sorted().toArray();
        double typicalMs = measured[n / 2];
        for (int i = 0; i < n; i++) {
            Calibrator.EndToEnd e = data.get(i);
            double m = e.measuredMs();
            // relative residuals; coefficients in units of the typical configuration's latency
            y[i] = (m - predictMs.applyAsDouble(e)) / m;
            x[i][0] = typicalMs / m;
            for (int l = 0; l < layers.size(); l++) {
                x[i][l + 1] = Integer.valueOf(32).equals(e.bits().get(layers.get(l).name())) ? typicalMs / m : 0;
            }
        }
        double bestError = squared(y); // no correction
        double bestLambda = Double.NaN;
        for (double lambda : LAMBDAS) {
            double error = 0;
            for (int out = 0; out < n; out++) {
                double[] beta = ridge(x, y, lambda, out);
                double r = y[out] - dot(x[out], beta);
                error += r * r;
            }
            if (error < bestError) {
                bestError = error;
                bestLambda = lambda;
            }
        }
        if (Double.isNaN(bestLambda)) {
            return NONE;
        }
        double[] beta = ridge(x, y, bestLambda, -1);
        Map<String, Double> perLayer = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            perLayer.put(layers.get(l).name(), beta[l + 1] * typicalMs);
        }
        return new EndToEndCorrection(beta[0] * typicalMs, perLayer);
    }

    private static double squared(double[] y) {
        return Arrays.stream(y).map(v -> v * v).sum();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** Ridge coefficients on every row but {@code skip} (−1: none). */
    private static double[] ridge(double[][] x, double[] y, double lambda, int skip) {
        int p = x[0].length;
        double[][] a = new double[p][p + 1];
        for (int j = 0; j < p; j++) {
            a[j][j] = lambda;
        }
        for (int i = 0; i < x.length; i++) {
            if (i == skip) {
                continue;
            }
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += x[i][r] * x[i][c];
                }
                a[r][p] += x[i][r] * y[i];
            }
        }
        return LatencyFit.gauss(a);
    }
}
