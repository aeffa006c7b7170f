package io.sigmaquant.agent.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node kernel times from an ONNX Runtime profile: one event per kernel call with {@code "cat":"Node"},
 * name {@code <node>_kernel_time}, {@code dur} in µs and {@code args.op_name}/{@code args.provider}.
 * A node's time is the median of its calls, so the first run's one-off allocations do not count.
 */
public final class NodeProfile {
    private static final String SUFFIX = "_kernel_time";

    private NodeProfile() {
    }

    public static List<JobResult.NodeTime> parse(Path trace) {
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable ONNX Runtime profile " + trace, e);
        }
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        Map<String, String[]> info = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (!e.path("cat").asText().equals("Node") || !name.endsWith(SUFFIX)) {
                continue;
            }
            String node = name.substring(0, name.length() - SUFFIX.length());
            micros.computeIfAbsent(node, k -> new ArrayList<>()).add(e.path("dur").asDouble());
            info.putIfAbsent(node, new String[] {e.path("args").path("op_name").asText(""),
                    e.path("args").path("provider").asText("")});
        }
        List<JobResult.NodeTime> nodes = new ArrayList<>();
        micros.forEach((node, calls) -> nodes.add(new JobResult.NodeTime(node, info.get(node)[0], info.get(node)[1],
                median(calls))));
        return nodes;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
