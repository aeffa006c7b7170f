package io.sigmaquant.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.Require;
import java.util.List;

/**
 * Controller → agent on {@code sq/v1/agents/{id}/jobs}: measure one model. Models never travel over MQTT:
 * the job carries a URL, the SHA-256 and the size.
 *
 * @param deadlineMs epoch milliseconds after which the result is worthless and an error is sent instead
 * @param workload          per-layer work, used only by simulated agents (may be empty)
 * @param reference         since 1.1, optional: a reference model measured in alternating rounds with the
 *                          candidate, so that drift of the board cancels in the ratio of their latencies
 * @param referenceWorkload since 1.1, optional: the reference's per-layer work for simulated agents; empty means
 *                          the candidate's workload with every layer at 32 bits (the float model)
 */
public record MeasurementJob(String schemaVersion, String type, String correlationId, String jobId, int attempt,
                             ModelRef model, InputSpec input, Settings settings, long deadlineMs,
                             List<LayerWork> workload, ModelRef reference,
                             List<LayerWork> referenceWorkload) implements Message {
    public static final String TYPE = "job";

    @JsonCreator
    public MeasurementJob {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(jobId, "jobId");
        Require.range(attempt, 1, Limits.MAX_ATTEMPT, "attempt");
        Require.present(model, "model");
        Require.present(input, "input");
        Require.present(settings, "settings");
        Require.positive(deadlineMs, "deadlineMs");
        workload = Require.atMost(workload, Limits.MAX_LAYERS, "workload");
        referenceWorkload = Require.atMost(referenceWorkload, Limits.MAX_LAYERS, "referenceWorkload");
        type = TYPE;
    }

    /** A job without a reference (the 1.0 shape). */
    public MeasurementJob(String schemaVersion, String type, String correlationId, String jobId, int attempt,
                          ModelRef model, InputSpec input, Settings settings, long deadlineMs,
                          List<LayerWork> workload) {
        this(schemaVersion, type, correlationId, jobId, attempt, model, input, settings, deadlineMs, workload, null,
                List.of());
    }

    /** Where to fetch the model and how to check it. */
    public record ModelRef(String url, String sha256, long sizeBytes) {
        public ModelRef {
            Require.text(url, "model.url");
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new ProtocolException("model.url", "must be an http(s) URL");
            }
            Require.sha256(sha256, "model.sha256");
            Require.range(sizeBytes, 1, Limits.MAX_MODEL_BYTES, "model.sizeBytes");
        }
    }

    /**
     * The model input: shape for one run (batch included) and the pixel preprocessing.
     *
     * @param name optional: the model input to feed; when given it must exist in the model (the agent checks).
     *             Absent = the model's first input
     */
    public record InputSpec(String name, List<Long> shape, double scale, double mean, double std) {
        public InputSpec {
            Require.length(name, "input.name");
            Require.present(shape, "input.shape");
            Require.range(shape.size(), 1, Limits.MAX_RANK, "input.shape");
            long elements = 1;
            for (Long d : shape) {
                if (d == null) {
                    throw new ProtocolException("input.shape", "must list positive dimensions");
                }
                Require.range(d, 1, Limits.MAX_DIMENSION, "input.shape");
                elements *= d; // cannot overflow: at most 2^26 × 2^20 before the check
                if (elements > Limits.MAX_INPUT_ELEMENTS) {
                    throw new ProtocolException("input.shape", "has more than " + Limits.MAX_INPUT_ELEMENTS
                            + " elements");
                }
            }
            shape = List.copyOf(shape);
            Require.finite(scale, "input.scale");
            Require.finite(mean, "input.mean");
            Require.positive(std, "input.std");
        }
    }

    /**
     * How to measure: warm-up runs, then timed runs until both minimums are reached and then until the median's
     * 95 % confidence interval is narrow enough or the time cap is reached (README, the edge agent). Every range
     * is a constant of {@link Limits}.
     *
     * @param maxDurationMs since 1.1: the time cap for measuring past the minimums; 0 = the agent's default.
     *                      The cap never cuts the minimums short
     * @param ciHalfWidth   since 1.1: the target half-width of the median's 95 % CI as a fraction of the
     *                      median (0.02 = ±2 %); 0 = the agent's default
     */
    public record Settings(int threads, int warmupRuns, int minRuns, long minDurationMs, boolean profileNodes,
                           long maxDurationMs, double ciHalfWidth) {
        @JsonCreator
        public Settings {
            Require.range(threads, 0, Limits.MAX_THREADS, "settings.threads");
            Require.range(warmupRuns, 0, Limits.MAX_WARMUP_RUNS, "settings.warmupRuns");
            Require.range(minRuns, 1, Limits.MAX_MIN_RUNS, "settings.minRuns");
            Require.range(minDurationMs, 0, Limits.MAX_DURATION_MS, "settings.minDurationMs");
            Require.range(maxDurationMs, 0, Limits.MAX_DURATION_MS, "settings.maxDurationMs");
            Require.range(ciHalfWidth, 0, Limits.MAX_CI_HALF_WIDTH, "settings.ciHalfWidth");
        }

        /** Settings with the agent's default cap and CI target (the 1.0 shape). */
        public Settings(int threads, int warmupRuns, int minRuns, long minDurationMs, boolean profileNodes) {
            this(threads, warmupRuns, minRuns, minDurationMs, profileNodes, 0, 0);
        }
    }

    /** One layer's work for the simulated cost model. */
    public record LayerWork(String name, long macs, long weightParams, int bits, long activationElements) {
        public LayerWork {
            Require.text(name, "workload.name");
            Require.nonNegative(macs, "workload.macs");
            Require.nonNegative(weightParams, "workload.weightParams");
            Require.range(bits, Limits.MIN_BITS, Limits.MAX_BITS, "workload.bits");
            Require.nonNegative(activationElements, "workload.activationElements");
        }
    }
}
