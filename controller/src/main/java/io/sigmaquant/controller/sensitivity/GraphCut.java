package io.sigmaquant.controller.sensitivity;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.sigmaquant.controller.model.GraphEdit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a model's graph at a layer, so a probe of that layer runs only the part its weights can change.
 * A layer's <em>suffix</em> is its node and every node downstream of it; the suffix's <em>cut</em> is the
 * set of activations it reads from outside (the layer's input, residual branches that join later). Those
 * come from the float model, so they are computed once and fed to every probe of the layer.
 *
 * <p>Nodes whose inputs are all constant (Constant, shape arithmetic on initializers) are copied into
 * whichever sub-model needs them rather than cut, so cut tensors are activations.
 */
final class GraphCut {
    private final GraphProto graph;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> constants = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();

    GraphCut(GraphProto graph) {
        this.graph = graph;
        graph.getInitializerList().forEach(t -> constants.add(t.getName()));
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        graphInputs.removeAll(constants);
        for (NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
            n.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
            if (n.getInputList().stream().allMatch(i -> i.isEmpty() || constants.contains(i))) {
                constants.addAll(n.getOutputList());
            }
        }
    }

    /** The layer node and every node that reads (transitively) one of its outputs, in graph order. */
    Set<NodeProto> suffix(NodeProto layer) {
        Set<NodeProto> reached = new HashSet<>();
        Deque<NodeProto> todo = new ArrayDeque<>(List.of(layer));
        while (!todo.isEmpty()) {
            NodeProto n = todo.pop();
            if (reached.add(n)) {
                n.getOutputList().forEach(o -> todo.addAll(consumers.getOrDefault(o, List.of())));
            }
        }
        Set<NodeProto> ordered = new LinkedHashSet<>();
        graph.getNodeList().stream().filter(reached::contains).forEach(ordered::add);
        return ordered;
    }

    /**
     * The activations the suffix reads from outside itself (graph inputs included), in first-use order;
     * {@code excluded} names inputs that are not cut (the probed weight).
     */
    List<String> cut(Set<NodeProto> suffix, Set<String> excluded) {
        Set<String> inside = new HashSet<>();
        suffix.forEach(n -> inside.addAll(n.getOutputList()));
        Set<String> cut = new LinkedHashSet<>();
        for (NodeProto n : suffix) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !inside.contains(in) && !constants.contains(in) && !excluded.contains(in)) {
                    cut.add(in);
                }
            }
        }
        return List.copyOf(cut);
    }

    /**
     * The suffix as a model: inputs are the cut tensors and {@code weightInput} (the layer's weight, fed by
     * the caller), the output is the model's first output.
     */
    ModelProto suffixModel(ModelProto model, NodeProto layer, String weightInput, String weightName, long[] shape) {
        Set<NodeProto> suffix = suffix(layer);
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : suffix) {
            nodes.add(n == layer ? n.toBuilder().setInput(1, weightName).build() : n);
        }
        List<String> cut = cut(suffix, Set.of(weightInput));
        List<NodeProto> all = withConstantProducers(nodes, Set.copyOf(cut));
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(all).clearInput().clearOutput()
                .clearValueInfo();
        cut.forEach(t -> g.addInput(floatValue(t)));
        g.addInput(OutputKlSensitivity.floatInput(weightName, shape));
        g.addOutput(graph.getOutput(0));
        return model.toBuilder().setGraph(GraphEdit.pruneUnused(g.build())).build();
    }

    /**
     * A float sub-model that computes {@code wanted} from {@code available} (cached activations; graph
     * inputs are always available), running only the nodes between them.
     */
    ModelProto segmentModel(ModelProto model, Collection<String> wanted, Set<String> available) {
        Segment segment = segment(wanted, available);
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(segment.nodes()).clearInput().clearOutput()
                .clearValueInfo();
        segment.inputs().forEach(t -> g.addInput(graphInputs.contains(t) ? graphInput(t) : floatValue(t)));
        wanted.forEach(t -> g.addOutput(floatValue(t)));
        return model.toBuilder().setGraph(GraphEdit.pruneUnused(g.build())).build();
    }

    /**
     * The available tensors that computing {@code wanted} would read: those wanted themselves, and the inputs of
     * the nodes between the available tensors and the wanted ones. The rest of {@code available} can be dropped.
     */
    Set<String> needed(Collection<String> wanted, Set<String> available) {
        Set<String> keep = new HashSet<>(segment(wanted, available).inputs());
        keep.retainAll(available);
        return keep;
    }

    /** The nodes that compute {@code wanted} from {@code available} (and graph inputs), and what they read. */
    private Segment segment(Collection<String> wanted, Set<String> available) {
        Set<NodeProto> needed = new HashSet<>();
        Set<String> inputs = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(wanted);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t) || t.isEmpty()) {
                continue;
            }
            NodeProto p = producers.get(t);
            if (available.contains(t) || graphInputs.contains(t)) {
                inputs.add(t);
            } else if (p != null && needed.add(p)) {
                todo.addAll(p.getInputList());
            }
        }
        return new Segment(graph.getNodeList().stream().filter(needed::contains).toList(), inputs);
    }

    private record Segment(List<NodeProto> nodes, Set<String> inputs) {
    }

    /** Whether the model's first output depends on the layer at all. */
    boolean reachesOutput(NodeProto layer) {
        String out = graph.getOutput(0).getName();
        return suffix(layer).stream().anyMatch(n -> n.getOutputList().contains(out));
    }

    private List<NodeProto> withConstantProducers(List<NodeProto> nodes, Set<String> cut) {
        Set<NodeProto> extra = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        nodes.forEach(n -> todo.addAll(n.getInputList()));
        while (!todo.isEmpty()) {
            NodeProto p = producers.get(todo.pop());
            if (p != null && !nodes.contains(p) && constants.containsAll(p.getOutputList()) && extra.add(p)) {
                todo.addAll(p.getInputList());
            }
        }
        List<NodeProto> all = new ArrayList<>();
        graph.getNodeList().stream().filter(extra::contains).forEach(all::add);
        all.addAll(nodes);
        return all;
    }

    private ValueInfoProto graphInput(String name) {
        return graph.getInputList().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    /** A float tensor of unknown shape: cut tensors are activations, whose shapes ONNX Runtime infers. */
    private static ValueInfoProto floatValue(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }
}
