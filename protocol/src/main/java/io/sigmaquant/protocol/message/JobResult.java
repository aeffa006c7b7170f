package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Require;
import java.util.List;

/**
 * Agent → controller: what a job measured. Results are idempotent by (jobId, attempt).
 *
 * @param simulated true when answered from a cost model, not measured (agents run with --simulate)
 */
public record JobResult(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                        int attempt, String modelSha256, boolean simulated, Latency latency, List<NodeTime> nodes,
                        Energy energy, long peakMemoryBytes, SystemSample before, SystemSample after,
                        String onnxRuntimeVersion, int threads) implements Message {
    public static final String TYPE = "result";

    public JobResult {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        Require.text(jobId, "jobId");
        Require.sha256(modelSha256, "modelSha256");
        Require.present(latency, "latency");
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        Require.present(energy, "energy");
        type = TYPE;
    }

    /** End-to-end latency over the timed runs, in milliseconds. */
    public record Latency(int runs, double medianMs, double p90Ms, double p99Ms, double meanMs, double cv,
                          double totalMs) {
        public Latency {
            Require.positive(runs, "latency.runs");
            Require.nonNegative(medianMs, "latency.medianMs");
            Require.nonNegative(p90Ms, "latency.p90Ms");
            Require.nonNegative(p99Ms, "latency.p99Ms");
            Require.nonNegative(meanMs, "latency.meanMs");
            Require.nonNegative(cv, "latency.cv");
        }
    }

    /** One node's kernel time in the profiled run. */
    public record NodeTime(String node, String op, String provider, double micros) {
        public NodeTime {
            Require.text(node, "nodes.node");
            Require.nonNegative(micros, "nodes.micros");
        }
    }

    /**
     * Energy per inference over the timed window minus the idle baseline.
     *
     * @param meter     which meter measured it (rapl, jetson-ina3221, rpi5-pmic, nvml, mqtt-plug, estimate)
     * @param estimated true when computed, not read from a sensor
     */
    public record Energy(String meter, boolean estimated, double millijoulesPerInference, double averageWatts,
                         double idleWatts, String note) {
        public Energy {
            Require.text(meter, "energy.meter");
        }
    }

    /** CPU frequency, temperature and throttling around the measurement. */
    public record SystemSample(List<Double> cpuFreqMhz, Double temperatureC, Boolean throttled) {
        public SystemSample {
            cpuFreqMhz = cpuFreqMhz == null ? List.of() : List.copyOf(cpuFreqMhz);
        }
    }
}
