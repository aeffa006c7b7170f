package io.sigmaquant.controller.sensitivity;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.Tensors;
import io.sigmaquant.controller.quant.WeightQuantizer;

/**
 * Data-free sensitivity: KL(P_W ‖ P_Q) between histograms of a layer's float weights and of the same
 * weights quantized at b bits, over the common range [−max|w|, max|w|]. Coarser quantization moves mass
 * onto fewer levels, which the KL sees as lost information.
 */
final class WeightHistogramKl {
    /** Bins over the weight range; 2^8 levels at 8 bits still spread over several bins each. */
    static final int BINS = 1024;
    /** Additive smoothing so empty bins of the quantized histogram give finite KL. */
    private static final double EPS = 1e-6;

    private WeightHistogramKl() {
    }

    static double kl(Layer layer, ConstantResolver constants, int bits) {
        float[] w = Tensors.toFloats(constants.resolve(layer.weightInput()).orElseThrow());
        float[] q = WeightQuantizer.quantize(w, layer.weightShape(), layer.channelAxis(), bits).dequantize();
        double range = 0;
        for (float x : w) {
            range = Math.max(range, Math.abs(x));
        }
        if (range == 0) {
            return 0;
        }
        double[] p = histogram(w, range);
        double[] r = histogram(q, range);
        double kl = 0;
        for (int i = 0; i < BINS; i++) {
            if (p[i] > 0) {
                kl += p[i] * Math.log(p[i] / r[i]);
            }
        }
        return Math.max(0, kl);
    }

    private static double[] histogram(float[] values, double range) {
        double[] h = new double[BINS];
        for (float v : values) {
            int bin = (int) ((v + range) / (2 * range) * BINS);
            h[Math.max(0, Math.min(BINS - 1, bin))]++;
        }
        double total = values.length + EPS * BINS;
        for (int i = 0; i < BINS; i++) {
            h[i] = (h[i] + EPS) / total;
        }
        return h;
    }
}
