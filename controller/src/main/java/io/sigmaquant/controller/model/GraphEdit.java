package io.sigmaquant.controller.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Small graph rewrites shared by the folding and export passes. */
public final class GraphEdit {
    private GraphEdit() {
    }

    /** Gives every unnamed node a stable name {@code <op>_<index>} so layers can be named by node. */
    public static GraphProto nameNodes(GraphProto graph) {
        GraphProto.Builder g = graph.toBuilder();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            String name = g.getNode(i).getName();
            if (name.isEmpty() || !used.add(name)) {
                String base = g.getNode(i).getOpType() + "_" + i;
                String fresh = base;
                for (int k = 1; used.contains(fresh); k++) {
                    fresh = base + "_" + k;
                }
                used.add(fresh);
                g.setNode(i, g.getNode(i).toBuilder().setName(fresh));
            }
        }
        return g.build();
    }

    /**
     * Removes Identity/Constant nodes whose outputs nobody reads, then initializers (and their legacy
     * graph-input entries) that no node or graph output reads any more.
     */
    public static GraphProto pruneUnused(GraphProto graph) {
        Set<String> graphOutputs = new HashSet<>();
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        List<NodeProto> nodes = new ArrayList<>(graph.getNodeList());
        boolean removed;
        do {
            Set<String> read = consumed(nodes, graphOutputs);
            removed = nodes.removeIf(n -> (n.getOpType().equals("Identity") || n.getOpType().equals("Constant"))
                    && n.getOutputList().stream().noneMatch(read::contains));
        } while (removed);
        Set<String> read = consumed(nodes, graphOutputs);
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        Set<String> dropped = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (read.contains(t.getName())) {
                g.addInitializer(t);
            } else {
                dropped.add(t.getName());
            }
        }
        List<ValueInfoProto> inputs = new ArrayList<>(graph.getInputList());
        inputs.removeIf(v -> dropped.contains(v.getName()));
        return g.clearInput().addAllInput(inputs).build();
    }

    private static Set<String> consumed(List<NodeProto> nodes, Set<String> graphOutputs) {
        Set<String> read = new HashSet<>(graphOutputs);
        for (NodeProto n : nodes) {
            read.addAll(n.getInputList());
        }
        return read;
    }

    /** Unique tensor name derived from {@code base} that the graph does not use yet. */
    public static String freshName(Set<String> taken, String base) {
        String name = base;
        for (int k = 1; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /** Every tensor name the graph mentions. */
    public static Set<String> tensorNames(GraphProto graph) {
        Set<String> names = new HashSet<>();
        for (NodeProto n : graph.getNodeList()) {
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getOutputList().forEach(v -> names.add(v.getName()));
        return names;
    }

    public static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    public static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }

    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }
}
