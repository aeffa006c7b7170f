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
        return find(graph, true);
    }

    /**
     * The layers {@link #find} finds, with their weights counted rather than read: σ is NaN. A layer whose weights
     * are not FLOAT or DOUBLE (which {@link #find} refuses) is left out.
     */
    static List<Candidate> count(GraphProto graph) {
        return find(graph, false);
    }

    private static List<Candidate> find(GraphProto graph, boolean read) {
        ConstantResolver constants = new ConstantResolver(graph);
        List<Candidate> found = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            candidate(n, constants, read).ifPresent(layer -> found.add(new Candidate(n, layer)));
        }
        return found;
    }

    private static Optional<Layer> candidate(NodeProto n, ConstantResolver constants, boolean read) {
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
        if (!read && !Tensors.isFloat(weight.get())) {
            return Optional.empty();
        }
        float[] w = read ? Tensors.toFloats(weight.get()) : null;
        return Optional.of(new Layer(n.getName(), op, weight.get().getName(), n.getInput(1),
                bias.map(TensorProto::getName).orElse(null), shape, axis, groups,
                read ? w.length : Tensors.elementCount(weight.get().getDimsList()),
                bias.map(b -> Tensors.elementCount(b.getDimsList())).orElse(0L), 0, read ? stdDev(w) : Double.NaN,
                new long[0], 0));
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
