package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;

/**
 * The regressors of the per-layer latency model (docs/ARCHITECTURE.md, calibration): work in MACs (scaled by
 * bits/8 on bit-serial formats), weight bytes at the format's storage width, activation bytes in and out, and
 * a constant for the per-layer overhead.
 */
public record LayerFeatures(double macs, double weightBytes, double activationBytes) {
    public static final int SIZE = 4;

    /** @param batch images per inference: MACs and activations scale with it, weights are read once */
    public static LayerFeatures of(Layer l, int bits, RuntimeFormat format, FormatCost cost, int batch) {
        double bitFactor = cost.scalesWithBits() ? bits / 8.0 : 1.0;
        return new LayerFeatures(batch * l.macs() * bitFactor, l.weightParams() * format.storageBits(bits) / 8.0,
                batch * (l.inputElements() + l.outputElements()) * cost.activationBytes());
    }

    public double[] vector() {
        return new double[] {macs, weightBytes, activationBytes, 1};
    }
}
