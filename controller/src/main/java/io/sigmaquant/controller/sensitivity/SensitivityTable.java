package io.sigmaquant.controller.sensitivity;

import java.util.List;

/**
 * D_l(b) for every layer and allowed bitwidth. Float (32) always has D = 0.
 *
 * @param layers layer names in graph order
 * @param bits   bitwidths, ascending; {@code kl[l][i]} belongs to {@code bits.get(i)}
 * @param source how it was computed (mode, samples) for reports
 */
public record SensitivityTable(String mode, List<String> layers, List<Integer> bits, double[][] kl, String source) {

    public SensitivityTable {
        layers = List.copyOf(layers);
        bits = List.copyOf(bits);
        if (kl.length != layers.size()) {
            throw new IllegalArgumentException("kl must have one row per layer");
        }
    }

    public double d(int layer, int bitwidth) {
        int i = bits.indexOf(bitwidth);
        if (i < 0) {
            throw new IllegalArgumentException("no sensitivity for " + bitwidth + " bits; table has " + bits);
        }
        return kl[layer][i];
    }

    public double d(String layer, int bitwidth) {
        int l = layers.indexOf(layer);
        if (l < 0) {
            throw new IllegalArgumentException("no sensitivity for layer " + layer);
        }
        return d(l, bitwidth);
    }

    /** Σ D of a configuration (float layers add nothing): the distortion the allocator minimises. */
    public double total(java.util.Map<String, Integer> bits) {
        return bits.entrySet().stream().mapToDouble(e -> e.getValue() == 32 ? 0 : d(e.getKey(), e.getValue())).sum();
    }
}
