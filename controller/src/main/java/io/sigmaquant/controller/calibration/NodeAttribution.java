package io.sigmaquant.controller.calibration;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.sigmaquant.protocol.message.JobResult;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Attributes an agent's per-node kernel times to the model's layers. ONNX Runtime renames nodes as it
 * optimises: a fused integer kernel keeps the layer's name with a {@code _token_N} suffix (QLinearConv), an
 * NCHWc float kernel is named after the tensor it writes plus {@code _nchwc} — the output of the Conv, or of
 * the Relu/Add fused into it. Names are resolved through the graph the agent ran. Operators that follow a
 * layer and run in its format — pooling, activations, residual adds, reshapes — are charged to the nearest
 * layer upstream: their cost depends on that layer's format (a float MaxPool after a float Conv feeding an
 * integer one can cost more than the Conv). What matches no layer (reorders, transposes, Q/DQ) is the remainder.
 */
public final class NodeAttribution {
    /** How far back from a fused activation's output the search for its layer goes. */
    private static final int MAX_HOPS = 4;
    /** How far back from a following operator (through Q/DQ pairs) the search for its layer goes. */
    private static final int MAX_HOPS_FOLLOWER = 8;
    /** Operators charged to the layer before them. */
    private static final Set<String> FOLLOWERS = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Add", "Flatten",
            "Reshape");

    /** Kernel µs per layer, and the kernel µs no layer accounts for. */
    public record Attribution(Map<String, Double> layerMicros, double otherMicros) {
        public double totalMicros() {
            return otherMicros + layerMicros.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final Set<String> layers;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, NodeProto> byName = new HashMap<>();

    public NodeAttribution(GraphProto executed, Collection<String> layerNames) {
        this.layers = new HashSet<>(layerNames);
        for (NodeProto n : executed.getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
            byName.put(n.getName(), n);
        }
    }

    public Attribution attribute(Collection<JobResult.NodeTime> nodes) {
        Map<String, Double> perLayer = new LinkedHashMap<>();
        double other = 0;
        for (JobResult.NodeTime n : nodes) {
            Optional<String> layer = layerOf(n.node());
            if (layer.isPresent()) {
                perLayer.merge(layer.get(), n.micros(), Double::sum);
            } else {
                other += n.micros();
            }
        }
        return new Attribution(perLayer, other);
    }

    Optional<String> layerOf(String node) {
        if (layers.contains(node)) {
            return Optional.of(node);
        }
        String untokened = node.replaceFirst("_token_\\d+$", "");
        if (layers.contains(untokened)) {
            return Optional.of(untokened);
        }
        if (node.endsWith("_nchwc")) {
            return closestLayerBefore(node.substring(0, node.length() - "_nchwc".length()), MAX_HOPS);
        }
        NodeProto op = byName.get(untokened);
        if (op != null && FOLLOWERS.contains(op.getOpType())) {
            for (String input : op.getInputList()) {
                Optional<String> layer = closestLayerBefore(input, MAX_HOPS_FOLLOWER);
                if (layer.isPresent()) {
                    return layer;
                }
            }
        }
        return Optional.empty();
    }

    /** The nearest layer upstream of {@code tensor} (its producer, or through a fused Relu/Clip/Add). */
    private Optional<String> closestLayerBefore(String tensor, int maxHops) {
        Deque<String> frontier = new ArrayDeque<>();
        frontier.add(tensor);
        for (int hop = 0; hop < maxHops && !frontier.isEmpty(); hop++) {
            Deque<String> next = new ArrayDeque<>();
            for (String t : frontier) {
                NodeProto p = producers.get(t);
                if (p == null) {
                    continue;
                }
                if (layers.contains(p.getName())) {
                    return Optional.of(p.getName());
                }
                next.addAll(p.getInputList());
            }
            frontier = next;
        }
        return Optional.empty();
    }
}
