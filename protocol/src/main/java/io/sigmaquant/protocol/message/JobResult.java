package io.sigmaquant.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sigmaquant.protocol.Require;
import java.util.List;

/**
 * Agent → controller: what a job measured. Results are idempotent by (jobId, attempt).
 *
 * @param simulated true when answered from a cost model, not measured (agents run with --simulate)
 * @param reference         since 1.1, present when the job named a reference model: its latency and the paired
 *                          ratio
 * @param executionProvider since 1.3, optional: the ONNX Runtime provider that measured it, by ONNX Runtime's name
 *                          ({@code CPU}, {@code CUDA}, {@code TENSOR_RT}); null when simulated
 */
public record JobResult(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                        int attempt, String modelSha256, boolean simulated, Latency latency, List<NodeTime> nodes,
                        Energy energy, long peakMemoryBytes, SystemSample before, SystemSample after,
                        String onnxRuntimeVersion, int threads, Reference reference, String executionProvider)
        implements Message {
    public static final String TYPE = "result";

    @JsonCreator
    public JobResult {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        Require.text(jobId, "jobId");
        Require.sha256(modelSha256, "modelSha256");
        Require.present(latency, "latency");
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        Require.present(energy, "energy");
        Require.optionalText(executionProvider, "executionProvider");
        type = TYPE;
    }

    /** A result without the provider that measured it (the 1.1 shape). */
    public JobResult(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                     int attempt, String modelSha256, boolean simulated, Latency latency, List<NodeTime> nodes,
                     Energy energy, long peakMemoryBytes, SystemSample before, SystemSample after,
                     String onnxRuntimeVersion, int threads, Reference reference) {
        this(schemaVersion, type, correlationId, agentId, jobId, attempt, modelSha256, simulated, latency, nodes,
                energy, peakMemoryBytes, before, after, onnxRuntimeVersion, threads, reference, null);
    }

    /** A result without a reference (the 1.0 shape). */
    public JobResult(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                     int attempt, String modelSha256, boolean simulated, Latency latency, List<NodeTime> nodes,
                     Energy energy, long peakMemoryBytes, SystemSample before, SystemSample after,
                     String onnxRuntimeVersion, int threads) {
        this(schemaVersion, type, correlationId, agentId, jobId, attempt, modelSha256, simulated, latency, nodes,
                energy, peakMemoryBytes, before, after, onnxRuntimeVersion, threads, null, null);
    }

    /**
     * End-to-end latency over the timed runs, in milliseconds.
     *
     * @param medianCiLowMs   since 1.1, optional: low end of the median's distribution-free 95 % confidence
     *                        interval (order statistics; README, the edge agent)
     * @param medianCiHighMs  since 1.1, optional: its high end
     * @param ciTargetReached since 1.1, optional: whether the interval's half-width reached the job's target
     *                        ({@code settings.ciHalfWidth}) before the time cap
     */
    public record Latency(int runs, double medianMs, double p90Ms, double p99Ms, double meanMs, double cv,
                          double totalMs, Double medianCiLowMs, Double medianCiHighMs, Boolean ciTargetReached) {
        @JsonCreator
        public Latency {
            Require.positive(runs, "latency.runs");
            Require.nonNegative(medianMs, "latency.medianMs");
            Require.nonNegative(p90Ms, "latency.p90Ms");
            Require.nonNegative(p99Ms, "latency.p99Ms");
            Require.nonNegative(meanMs, "latency.meanMs");
            Require.nonNegative(cv, "latency.cv");
            Require.interval(medianCiLowMs, medianCiHighMs, medianMs, "latency.medianCiLowMs",
                    "latency.medianCiHighMs");
        }

        /** Latency without a confidence interval (the 1.0 shape). */
        public Latency(int runs, double medianMs, double p90Ms, double p99Ms, double meanMs, double cv,
                       double totalMs) {
            this(runs, medianMs, p90Ms, p99Ms, meanMs, cv, totalMs, null, null, null);
        }
    }

    /**
     * The reference model measured in alternating rounds with the candidate (ABAB: a block of candidate runs,
     * then a block of reference runs, per round). A slow drift of the board scales both blocks of a round
     * alike, so it cancels in the round's ratio.
     *
     * @param latency    the reference's latency over all its timed runs
     * @param rounds     how many rounds were measured
     * @param ratio      the median over rounds of (candidate median / reference median) within a round
     * @param ratioCiLow low end of that median's distribution-free 95 % CI over the per-round ratios (order
     *                   statistics, as for the latency median); null with the high end when not computed
     * @param ratioCiHigh its high end
     */
    public record Reference(String modelSha256, Latency latency, int rounds, double ratio, Double ratioCiLow,
                            Double ratioCiHigh) {
        public Reference {
            Require.sha256(modelSha256, "reference.modelSha256");
            Require.present(latency, "reference.latency");
            Require.positive(rounds, "reference.rounds");
            Require.positive(ratio, "reference.ratio");
            Require.interval(ratioCiLow, ratioCiHigh, ratio, "reference.ratioCiLow", "reference.ratioCiHigh");
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
