package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the constant value behind a tensor name: an initializer, a Constant node, or either of those seen
 * through Identity nodes (torch merges identical initializers and points at them through Identity).
 */
public final class ConstantResolver {
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();

    public ConstantResolver(GraphProto graph) {
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
        }
    }

    /** The constant tensor named {@code name} resolves to, if it is constant. */
    public Optional<TensorProto> resolve(String name) {
        String current = name;
        for (int hops = 0; hops < 64; hops++) {
            TensorProto init = initializers.get(current);
            if (init != null) {
                return Optional.of(init);
            }
            NodeProto producer = producers.get(current);
            if (producer == null) {
                return Optional.empty();
            }
            if (producer.getOpType().equals("Constant")) {
                return constantValue(producer);
            }
            if (!producer.getOpType().equals("Identity") || producer.getInputCount() != 1) {
                return Optional.empty();
            }
            current = producer.getInput(0);
        }
        return Optional.empty();
    }

    public boolean isConstant(String name) {
        return resolve(name).isPresent();
    }

    /** The node that produces a tensor, if any (graph inputs and initializers have none). */
    public Optional<NodeProto> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    private static Optional<TensorProto> constantValue(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return Optional.of(a.getT());
            }
        }
        return Optional.empty();
    }
}
