package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Folds inference-mode BatchNormalization into the Conv that feeds it:
 * {@code W' = W·γ/√(var+ε)} per output channel and {@code b' = (b − mean)·γ/√(var+ε) + β}.
 * Analysis and quantization then see the weights that actually run. Models torch exported in eval mode
 * are already folded; this covers exports that kept the BatchNorm.
 */
public final class BatchNormFolder {
    private BatchNormFolder() {
    }

    /** The model with every foldable Conv→BatchNormalization pair folded, nodes named, dead constants pruned. */
    public static ModelProto fold(ModelProto model) {
        GraphProto graph = GraphEdit.nameNodes(model.getGraph());
        ConstantResolver constants = new ConstantResolver(graph);
        Map<NodeProto, NodeProto> convByBn = foldable(graph, constants);
        Set<String> taken = GraphEdit.tensorNames(graph);
        List<TensorProto> added = new ArrayList<>();
        List<NodeProto> result = new ArrayList<>();
        Map<String, NodeProto> replacedConvs = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            NodeProto conv = convByBn.get(n);
            if (conv != null) {
                replacedConvs.put(conv.getName(), foldPair(conv, n, constants, taken, added));
            } else {
                result.add(n);
            }
        }
        result.replaceAll(n -> replacedConvs.getOrDefault(n.getName(), n));
        GraphProto out = graph.toBuilder().clearNode().addAllNode(result).addAllInitializer(added).build();
        return model.toBuilder().setGraph(GraphEdit.pruneUnused(out)).build();
    }

    /**
     * The Convs {@link #fold} folds a BatchNormalization into, by their output, each with the length of the bias it
     * gets (γ's): what folding adds to a model's layers, known without its arithmetic.
     */
    public static Map<String, Long> foldedBiasLengths(GraphProto graph) {
        ConstantResolver constants = new ConstantResolver(graph);
        Map<String, Long> lengths = new HashMap<>();
        foldable(graph, constants).forEach((bn, conv) -> lengths.put(conv.getOutput(0),
                Tensors.elementCount(constants.resolve(bn.getInput(1)).orElseThrow().getDimsList())));
        return lengths;
    }

    /**
     * The Conv each foldable BatchNormalization node folds into: the Conv's output is read by that
     * BatchNormalization alone, and the weights, the bias (if any) and the four statistics are constants. Keyed by
     * the BatchNormalization node.
     */
    private static Map<NodeProto, NodeProto> foldable(GraphProto graph, ConstantResolver constants) {
        Map<String, Integer> readers = readerCounts(graph);
        Map<String, NodeProto> convByOutput = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Conv")) {
                convByOutput.put(n.getOutput(0), n);
            }
        }
        Map<NodeProto, NodeProto> convByBn = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            NodeProto conv = n.getOpType().equals("BatchNormalization") && n.getOutputCount() == 1
                    ? convByOutput.get(n.getInput(0)) : null;
            if (conv != null && readers.get(conv.getOutput(0)) == 1 && constantInputs(conv, n, constants)) {
                convByBn.put(n, conv);
            }
        }
        return convByBn;
    }

    private static boolean constantInputs(NodeProto conv, NodeProto bn, ConstantResolver constants) {
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        return constants.isConstant(conv.getInput(1)) && (!hasBias || constants.isConstant(conv.getInput(2)))
                && bn.getInputCount() >= 5 && bn.getInputList().subList(1, 5).stream().allMatch(constants::isConstant);
    }

    private static NodeProto foldPair(NodeProto conv, NodeProto bn, ConstantResolver constants, Set<String> taken,
                                      List<TensorProto> added) {
        TensorProto w = constants.resolve(conv.getInput(1)).orElseThrow();
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        Optional<TensorProto> bias = hasBias ? constants.resolve(conv.getInput(2)) : Optional.empty();
        float eps = GraphEdit.floatAttribute(bn, "epsilon", 1e-5f);
        float[] weights = Tensors.toFloats(w);
        float[] g = floats(bn, 1, constants);
        float[] b = floats(bn, 2, constants);
        float[] m = floats(bn, 3, constants);
        float[] v = floats(bn, 4, constants);
        float[] oldBias = bias.map(Tensors::toFloats).orElse(new float[g.length]);
        int channels = g.length;
        int perChannel = weights.length / channels;
        float[] newWeights = new float[weights.length];
        float[] newBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            double factor = g[c] / Math.sqrt(v[c] + eps);
            for (int i = 0; i < perChannel; i++) {
                newWeights[c * perChannel + i] = (float) (weights[c * perChannel + i] * factor);
            }
            newBias[c] = (float) ((oldBias[c] - m[c]) * factor + b[c]);
        }
        String wName = GraphEdit.freshName(taken, conv.getName() + ".weight_bn_folded");
        String bName = GraphEdit.freshName(taken, conv.getName() + ".bias_bn_folded");
        added.add(Tensors.floats(wName, Tensors.dims(w), newWeights));
        added.add(Tensors.floats(bName, new long[] {channels}, newBias));
        return conv.toBuilder().clearInput()
                .addInput(conv.getInput(0)).addInput(wName).addInput(bName)
                .setOutput(0, bn.getOutput(0)).build();
    }

    private static float[] floats(NodeProto node, int input, ConstantResolver constants) {
        return Tensors.toFloats(constants.resolve(node.getInput(input)).orElseThrow());
    }

    private static Map<String, Integer> readerCounts(GraphProto graph) {
        Map<String, Integer> counts = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                counts.merge(in, 1, Integer::sum);
            }
        }
        graph.getOutputList().forEach(o -> counts.merge(o.getName(), 1, Integer::sum));
        return counts;
    }
}
