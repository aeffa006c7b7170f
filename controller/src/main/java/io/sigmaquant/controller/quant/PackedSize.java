package io.sigmaquant.controller.quant;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The packed size of the quantizable layers: what the weights would take stored at exactly b bits, plus
 * one float32 scale per output channel of each integer layer, plus float32 biases. It ignores the
 * ONNX container (that is the file size) and any non-layer constants. At 32 bits everywhere it is
 * 4 bytes × the parameter count that {@code inspect} reports.
 */
public final class PackedSize {
    private PackedSize() {
    }

    public static long bytes(ModelAnalysis analysis, Map<String, Integer> bits) {
        long total = 0;
        for (Layer l : analysis.layers()) {
            total += layerBytes(l, bits.get(l.name()));
        }
        return total;
    }

    /** The smallest packed size of the layers: each at whichever of {@code bits} packs it smallest. */
    public static long smallest(List<Layer> layers, Collection<Integer> bits) {
        long total = 0;
        for (Layer l : layers) {
            total += bits.stream().mapToLong(b -> layerBytes(l, b)).min().orElseThrow();
        }
        return total;
    }

    public static long layerBytes(Layer l, int bits) {
        long weightBits = bits * l.weightParams();
        long scales = bits == BitConfig.FLOAT ? 0 : 4L * l.outputChannels();
        return (weightBits + 7) / 8 + scales + 4L * l.biasParams();
    }
}
