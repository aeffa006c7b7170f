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
        Map<String, Integer> readers = readerCounts(graph);
        Set<String> taken = GraphEdit.tensorNames(graph);
        List<NodeProto> nodes = new ArrayList<>(graph.getNodeList());
        List<TensorProto> added = new ArrayList<>();
        Map<String, NodeProto> convByOutput = new HashMap<>();
        for (NodeProto n : nodes) {
            if (n.getOpType().equals("Conv")) {
                convByOutput.put(n.getOutput(0), n);
            }
        }
        List<NodeProto> result = new ArrayList<>();
        Map<String, NodeProto> replacedConvs = new HashMap<>();
        for (NodeProto n : nodes) {
            NodeProto conv = n.getOpType().equals("BatchNormalization") && n.getOutputCount() == 1
                    ? convByOutput.get(n.getInput(0)) : null;
            Optional<NodeProto> folded = conv == null || readers.get(conv.getOutput(0)) != 1
                    ? Optional.empty() : foldPair(conv, n, constants, taken, added);
            if (folded.isPresent()) {
                replacedConvs.put(conv.getName(), folded.get());
            } else {
                result.add(n);
            }
        }
        result.replaceAll(n -> replacedConvs.getOrDefault(n.getName(), n));
        GraphProto out = graph.toBuilder().clearNode().addAllNode(result).addAllInitializer(added).build();
        return model.toBuilder().setGraph(GraphEdit.pruneUnused(out)).build();
    }

    private static Optional<NodeProto> foldPair(NodeProto conv, NodeProto bn, ConstantResolver constants,
                                                Set<String> taken, List<TensorProto> added) {
        Optional<TensorProto> w = constants.resolve(conv.getInput(1));
        Optional<TensorProto> gamma = constants.resolve(bn.getInput(1));
        Optional<TensorProto> beta = constants.resolve(bn.getInput(2));
        Optional<TensorProto> mean = constants.resolve(bn.getInput(3));
        Optional<TensorProto> var = constants.resolve(bn.getInput(4));
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        Optional<TensorProto> bias = hasBias ? constants.resolve(conv.getInput(2)) : Optional.empty();
        if (w.isEmpty() || gamma.isEmpty() || beta.isEmpty() || mean.isEmpty() || var.isEmpty()
                || (hasBias && bias.isEmpty())) {
            return Optional.empty();
        }
        float eps = GraphEdit.floatAttribute(bn, "epsilon", 1e-5f);
        float[] weights = Tensors.toFloats(w.get());
        float[] g = Tensors.toFloats(gamma.get());
        float[] b = Tensors.toFloats(beta.get());
        float[] m = Tensors.toFloats(mean.get());
        float[] v = Tensors.toFloats(var.get());
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
        added.add(Tensors.floats(wName, Tensors.dims(w.get()), newWeights));
        added.add(Tensors.floats(bName, new long[] {channels}, newBias));
        NodeProto.Builder folded = conv.toBuilder().clearInput()
                .addInput(conv.getInput(0)).addInput(wName).addInput(bName)
                .setOutput(0, bn.getOutput(0));
        return Optional.of(folded.build());
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
