package io.sigmaquant.controller.run;

import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.protocol.message.JobResult;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the time goes on the board, from the per-node profile an agent returns with each measurement: the float
 * model (the all-32-bit calibration configuration) beside the configuration the loop measured last, each as kernel
 * time per operator kind and per layer. Written as {@code profile.json} into the run's results as the run goes, and drawn on the
 * run page and in {@code report.html}.
 *
 * @param floatModel the float model's profile, or null before it is measured (or when the board runs no float)
 * @param candidate  the profile of the loop's last iteration, or null before its first
 */
public record TimeProfile(Side floatModel, Side candidate) {
    /** File name in a run's results folder. */
    public static final String FILE = "profile.json";
    public static final TimeProfile NONE = new TimeProfile(null, null);

    /**
     * One measured configuration's profile.
     *
     * @param iteration the iteration that measured it (1-based, as the run's iterations)
     * @param simulated true when a simulated agent answered: its nodes are then the model's layers and their
     *                  "operator kinds" the runtime formats of its cost model ({@code fp32}, {@code int8}, ...)
     * @param nodes     how many nodes the profile holds; 0 when the agent returned none
     * @param totalMs   the nodes' kernel time summed, in ms (one profiled run, so not the end-to-end median)
     * @param msByOp    kernel time per operator kind in ms, the largest first
     * @param msByLayer kernel time charged to each layer in ms ({@link NodeAttribution}: a fused kernel to its
     *                  layer, pooling and activations to the layer before them); empty when not attributed (a
     *                  resumed run's earlier iterations)
     * @param otherMs   the kernel time no layer accounts for (reorders, Q/DQ), in ms; null when not attributed
     */
    public record Side(int iteration, IterationKind kind, boolean simulated, int nodes, double totalMs,
                       Map<String, Double> msByOp, Map<String, Double> msByLayer, Double otherMs) {
        public Side {
            msByOp = Collections.unmodifiableMap(new LinkedHashMap<>(msByOp));
            msByLayer = Collections.unmodifiableMap(new LinkedHashMap<>(msByLayer));
        }

        /**
         * A measurement's nodes summed per operator kind (a node without one counts as {@code ?}) and, when
         * attributed, per layer.
         *
         * @param attribution its node times charged to layers, or null
         */
        public static Side of(int iteration, IterationKind kind, JobResult result,
                              NodeAttribution.Attribution attribution) {
            Map<String, Double> micros = new TreeMap<>();
            for (JobResult.NodeTime n : result.nodes()) {
                micros.merge(n.op() == null || n.op().isBlank() ? "?" : n.op(), n.micros(), Double::sum);
            }
            Map<String, Double> ms = new LinkedHashMap<>();
            micros.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                    .forEach(e -> ms.put(e.getKey(), e.getValue() / 1e3));
            Map<String, Double> byLayer = new LinkedHashMap<>();
            if (attribution != null) {
                attribution.layerMicros().forEach((layer, us) -> byLayer.put(layer, us / 1e3));
            }
            return new Side(iteration, kind, result.simulated(), result.nodes().size(),
                    ms.values().stream().mapToDouble(Double::doubleValue).sum(), ms, byLayer,
                    attribution == null ? null : attribution.otherMicros() / 1e3);
        }
    }

    /**
     * This profile with one more iteration seen: the first float one becomes the float side, every iteration the
     * loop learns from becomes the candidate side (benchmark measurements are not the loop's).
     */
    public TimeProfile with(int iteration, IterationKind kind, Map<String, Integer> bits, JobResult result,
                            NodeAttribution.Attribution attribution) {
        boolean isFloat = !bits.isEmpty() && bits.values().stream().allMatch(b -> b == 32);
        Side side = Side.of(iteration, kind, result, attribution);
        return new TimeProfile(floatModel == null && isFloat ? side : floatModel, kind.learns() ? side : candidate);
    }

    /** The profile of a resumed run's earlier iterations, replayed in order. */
    public static TimeProfile of(List<PastMeasurement> earlier) {
        TimeProfile p = NONE;
        for (int i = 0; i < earlier.size(); i++) {
            PastMeasurement m = earlier.get(i);
            p = p.with(i + 1, m.kind(), m.bits(), m.result(), null); // the graph it ran is not kept
        }
        return p;
    }
}
