package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a configuration makes ONNX Runtime convert tensors between float and int8, mirroring the exporter's
 * rule (quant/QdqExporter.ActivationSites): every integer layer's input and output pass through a
 * QuantizeLinear→DequantizeLinear pair. Between two integer layers the pair fuses away (into the producer's
 * int8 output, or with the pooling between them into an int8 pooling); where a float tensor meets an integer
 * layer a QuantizeLinear kernel runs on it, and where an integer layer's output reaches a float layer (or a
 * model output) a DequantizeLinear kernel does. Neighbours are the graph's ({@link Layer#upstream()},
 * {@link Layer#downstream()}); a layer that does not know them is taken to sit between its list neighbours.
 */
public final class FormatBoundaries {
    private final Map<String, Layer> byName = new HashMap<>();
    private final Map<String, List<String>> up = new HashMap<>();
    private final Map<String, List<String>> down = new HashMap<>();

    public FormatBoundaries(List<Layer> layers) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            byName.put(l.name(), l);
            up.put(l.name(), !l.upstream().isEmpty() ? l.upstream()
                    : List.of(i == 0 ? Layer.MODEL_INPUT : layers.get(i - 1).name()));
            down.put(l.name(), !l.downstream().isEmpty() ? l.downstream()
                    : List.of(i == layers.size() - 1 ? Layer.MODEL_OUTPUT : layers.get(i + 1).name()));
        }
    }

    /**
     * Elements (for one sample) that Q and DQ kernels convert in a configuration.
     *
     * @param integer whether a layer (by name) runs with int8 activations; the model's input and outputs are float
     */
    public double elements(Predicate<String> integer) {
        double total = 0;
        Set<String> quantizedInputs = new HashSet<>();
        for (Layer l : byName.values()) {
            if (!integer.test(l.name())) {
                continue;
            }
            List<String> from = up.get(l.name());
            // layers reading one tensor share its Q/DQ pair: the same upstream and size stand for the tensor
            if (from.stream().anyMatch(n -> !isInteger(n, integer)) && quantizedInputs.add(from + "#" + l.inputElements())) {
                total += l.inputElements();
            }
            if (down.get(l.name()).stream().anyMatch(n -> !isInteger(n, integer))) {
                total += l.outputElements();
            }
        }
        return total;
    }

    /**
     * A separable stand-in for the allocator: the elements a float layer converts when its neighbouring layers
     * are integer (its inputs dequantized, its output quantized for each integer reader).
     */
    public double elementsIfNeighboursInteger(String layer) {
        double total = 0;
        for (String u : up.get(layer)) {
            Layer l = byName.get(u);
            total += l == null ? 0 : l.outputElements();
        }
        for (String d : down.get(layer)) {
            Layer l = byName.get(d);
            total += l == null ? 0 : l.inputElements();
        }
        return total;
    }

    /**
     * The neighbourhood a layer's kernels run in: two flags, whether some upstream and whether some downstream
     * neighbour differs from it in integer-ness. Operators after a layer run in the format of the tensor between
     * it and its readers (a float pooling after a float Conv that feeds an int8 one runs unfused), so a layer's
     * attributed time depends on them.
     */
    public String context(String layer, Predicate<String> integer) {
        boolean self = integer.test(layer);
        boolean in = up.get(layer).stream().anyMatch(n -> isInteger(n, integer) != self);
        boolean out = down.get(layer).stream().anyMatch(n -> isInteger(n, integer) != self);
        return (in ? "1" : "0") + (out ? "1" : "0");
    }

    private boolean isInteger(String neighbour, Predicate<String> integer) {
        return byName.containsKey(neighbour) && integer.test(neighbour);
    }
}
