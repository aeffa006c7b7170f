package io.sigmaquant.controller.cost;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.quant.BitConfig;
import io.sigmaquant.controller.quant.PackedSize;

/** Which size a budget means (reports always say which). */
public enum SizeBasis {
    /** Weights at exactly b bits + float32 scales + float32 biases ({@link PackedSize}). */
    PACKED,
    /**
     * Bytes the layer adds to the exported ONNX file: int8 storage for any b ≤ 8 (one byte a weight), a
     * float32 scale and an int8 zero point per channel, biases at 4 bytes; 4 bytes a parameter in float.
     */
    FILE;

    public long bytes(Layer l, int bits) {
        if (this == PACKED) {
            return PackedSize.layerBytes(l, bits);
        }
        if (bits == BitConfig.FLOAT) {
            return 4 * l.params();
        }
        return l.weightParams() + 5L * l.outputChannels() + 4 * l.biasParams();
    }
}
