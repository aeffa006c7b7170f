package io.sigmaquant.controller.quant;

/**
 * The weight quantizer (docs/ARCHITECTURE.md, the method as built): symmetric, per output channel,
 * zero-point 0, scale from max|w|. The range is restricted to ±(2^(b−1)−1) so it stays symmetric (at 2 bits:
 * −1, 0, +1).
 */
public final class WeightQuantizer {
    private WeightQuantizer() {
    }

    public static QuantizedWeights quantize(float[] w, long[] shape, int channelAxis, int bits) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8: " + bits);
        }
        int qmax = (1 << (bits - 1)) - 1;
        int channels = (int) shape[channelAxis];
        int inner = innerSize(shape, channelAxis);
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            // An all-zero channel still needs a positive scale for DequantizeLinear; its values stay 0.
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / qmax : 1f;
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            long v = Math.round(w[i] / scales[c]);
            q[i] = (byte) Math.max(-qmax, Math.min(qmax, v));
        }
        return new QuantizedWeights(bits, q, scales, channelAxis, shape);
    }

    /** Number of consecutive elements that share one index of {@code axis}. */
    static int innerSize(long[] shape, int axis) {
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return (int) inner;
    }
}
