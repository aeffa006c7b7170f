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
 * the Relu/Add fused into it. Names are resolved through the graph the agent ran; what matches no layer
 * (reorders, Q/DQ, pooling) is the remainder.
 */
public final class NodeAttribution {
    /** How far back from a fused activation's output the search for its layer goes. */
    private static final int MAX_HOPS = 4;

    /** Kernel µs per layer, and the kernel µs no layer accounts for. */
    public record Attribution(Map<String, Double> layerMicros, double otherMicros) {
        public double totalMicros() {
            return otherMicros + layerMicros.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final Set<String> layers;
    private final Map<String, NodeProto> producers = new HashMap<>();

    public NodeAttribution(GraphProto executed, Collection<String> layerNames) {
        this.layers = new HashSet<>(layerNames);
        for (NodeProto n : executed.getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
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
            return closestLayerBefore(node.substring(0, node.length() - "_nchwc".length()));
        }
        return Optional.empty();
    }

    /** The nearest layer upstream of {@code tensor} (its producer, or through a fused Relu/Clip/Add). */
    private Optional<String> closestLayerBefore(String tensor) {
        Deque<String> frontier = new ArrayDeque<>();
        frontier.add(tensor);
        for (int hop = 0; hop < MAX_HOPS && !frontier.isEmpty(); hop++) {
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
