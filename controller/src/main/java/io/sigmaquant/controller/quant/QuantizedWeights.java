package io.sigmaquant.controller.quant;

/**
 * Symmetric per-channel integer weights: {@code w ≈ q · scale[channel]}, q in [−(2^(b−1)−1), 2^(b−1)−1].
 *
 * @param values one integer a weight, in the layout of the float tensor
 * @param scales one scale per output channel
 */
public record QuantizedWeights(int bits, byte[] values, float[] scales, int channelAxis, long[] shape) {

    public float[] dequantize() {
        float[] out = new float[values.length];
        int inner = WeightQuantizer.innerSize(shape, channelAxis);
        int channels = (int) shape[channelAxis];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * scales[(i / inner) % channels];
        }
        return out;
    }
}
