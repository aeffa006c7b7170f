package io.sigmaquant.controller.analysis;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.GraphEdit;
import io.sigmaquant.controller.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds quantizable layers: Conv (grouped and depthwise included), Gemm, and MatMul whose second input
 * is a constant 2-D weight. MACs and output shapes are filled in later from a real run.
 */
final class LayerFinder {
    private LayerFinder() {
    }

    /** A layer found in the graph, before its output shape is known. */
    record Candidate(NodeProto node, Layer partial) {
    }

    static List<Candidate> find(GraphProto graph) {
        ConstantResolver constants = new ConstantResolver(graph);
        List<Candidate> found = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            candidate(n, constants).ifPresent(layer -> found.add(new Candidate(n, layer)));
        }
        return found;
    }

    private static Optional<Layer> candidate(NodeProto n, ConstantResolver constants) {
        String op = n.getOpType();
        boolean supported = n.getDomain().isEmpty() && (op.equals("Conv") || op.equals("Gemm") || op.equals("MatMul"));
        if (!supported || n.getInputCount() < 2) {
            return Optional.empty();
        }
        Optional<TensorProto> weight = constants.resolve(n.getInput(1));
        if (weight.isEmpty()) {
            return Optional.empty();
        }
        long[] shape = Tensors.dims(weight.get());
        int axis;
        long groups = 1;
        switch (op) {
            case "Conv" -> {
                axis = 0;
                groups = GraphEdit.intAttribute(n, "group", 1);
            }
            case "Gemm" -> {
                if (shape.length != 2 || GraphEdit.intAttribute(n, "transA", 0) != 0) {
                    return Optional.empty();
                }
                axis = GraphEdit.intAttribute(n, "transB", 0) == 1 ? 0 : 1;
            }
            default -> {
                if (shape.length != 2) {
                    return Optional.empty();
                }
                axis = 1;
            }
        }
        boolean gemmBias = op.equals("Gemm") && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        boolean convBias = op.equals("Conv") && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        Optional<TensorProto> bias = gemmBias || convBias ? constants.resolve(n.getInput(2)) : Optional.empty();
        float[] w = Tensors.toFloats(weight.get());
        return Optional.of(new Layer(n.getName(), op, weight.get().getName(), n.getInput(1),
                bias.map(TensorProto::getName).orElse(null), shape, axis, groups, w.length,
                bias.map(b -> Tensors.elementCount(b.getDimsList())).orElse(0L), 0, stdDev(w), new long[0], 0));
    }

    static double stdDev(float[] w) {
        double mean = 0;
        for (float x : w) {
            mean += x;
        }
        mean /= w.length;
        double var = 0;
        for (float x : w) {
            var += (x - mean) * (x - mean);
        }
        return Math.sqrt(var / w.length);
    }
}
