package io.sigmaquant.controller.analysis;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What SigmaQuant knows about a model: its folded form (the one quantization starts from) and its
 * quantizable layers in graph order.
 */
public record ModelAnalysis(ModelProto folded, int opset, ModelInput input, List<Layer> layers) {

    public ModelAnalysis {
        layers = List.copyOf(layers);
    }

    public long totalParams() {
        return layers.stream().mapToLong(Layer::params).sum();
    }

    public long totalMacs() {
        return layers.stream().mapToLong(Layer::macs).sum();
    }

    public Optional<Layer> layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public Map<String, Layer> byName() {
        return layers.stream().collect(Collectors.toMap(Layer::name, Function.identity()));
    }
}
