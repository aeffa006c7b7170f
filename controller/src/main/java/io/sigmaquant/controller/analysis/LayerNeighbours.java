package io.sigmaquant.controller.analysis;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds each layer's neighbouring layers in the graph: the layers reached from its input going upstream, and
 * from its output going downstream, through every operator that is not itself a layer (pooling, activations,
 * residual adds, concatenations, reshapes). Constants and initializers are not neighbours; the model's input
 * and outputs are ({@link Layer#MODEL_INPUT}, {@link Layer#MODEL_OUTPUT}).
 */
public final class LayerNeighbours {
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> readers = new HashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> layerNames;

    private LayerNeighbours(GraphProto graph, Set<String> layerNames) {
        this.layerNames = layerNames;
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        graph.getInputList().stream().map(v -> v.getName()).filter(n -> !initializers.contains(n))
                .forEach(graphInputs::add);
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        for (NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
            n.getInputList().forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
    }

    /** The layers with their neighbours, in the same order. */
    public static List<Layer> attach(GraphProto graph, List<Layer> layers) {
        Set<String> names = new HashSet<>();
        layers.forEach(l -> names.add(l.name()));
        LayerNeighbours g = new LayerNeighbours(graph, names);
        Map<String, NodeProto> byName = new HashMap<>();
        graph.getNodeList().forEach(n -> byName.put(n.getName(), n));
        return layers.stream().map(l -> {
            NodeProto node = byName.get(l.name());
            return node == null ? l : l.withNeighbours(g.upstream(node.getInput(0)), g.downstream(node.getOutput(0)));
        }).toList();
    }

    private List<String> upstream(String tensor) {
        Set<String> found = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            NodeProto p = producers.get(t);
            if (p == null) {
                if (graphInputs.contains(t)) {
                    found.add(Layer.MODEL_INPUT);
                }
            } else if (layerNames.contains(p.getName())) {
                found.add(p.getName());
            } else {
                todo.addAll(p.getInputList());
            }
        }
        return List.copyOf(found);
    }

    private List<String> downstream(String tensor) {
        Set<String> found = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (graphOutputs.contains(t)) {
                found.add(Layer.MODEL_OUTPUT);
            }
            for (NodeProto r : readers.getOrDefault(t, List.of())) {
                if (layerNames.contains(r.getName())) {
                    found.add(r.getName());
                } else {
                    todo.addAll(r.getOutputList());
                }
            }
        }
        return List.copyOf(found);
    }
}
