package io.sigmaquant.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
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
        Require.positive(attempt, "attempt");
        Require.present(model, "model");
        Require.present(input, "input");
        Require.present(settings, "settings");
        Require.positive(deadlineMs, "deadlineMs");
        workload = workload == null ? List.of() : List.copyOf(workload);
        referenceWorkload = referenceWorkload == null ? List.of() : List.copyOf(referenceWorkload);
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
            Require.positive(sizeBytes, "model.sizeBytes");
        }
    }

    /** The model input: shape for one run (batch included) and the pixel preprocessing. */
    public record InputSpec(String name, List<Long> shape, double scale, double mean, double std) {
        public InputSpec {
            Require.present(shape, "input.shape");
            if (shape.isEmpty() || shape.stream().anyMatch(d -> d == null || d <= 0)) {
                throw new ProtocolException("input.shape", "must list positive dimensions");
            }
            shape = List.copyOf(shape);
            if (!(std > 0)) {
                throw new ProtocolException("input.std", "must be positive");
            }
        }
    }

    /**
     * How to measure: warm-up runs, then timed runs until both minimums are reached and then until the median's
     * 95 % confidence interval is narrow enough or the time cap is reached (README, the edge agent).
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
            Require.nonNegative(threads, "settings.threads");
            Require.nonNegative(warmupRuns, "settings.warmupRuns");
            Require.positive(minRuns, "settings.minRuns");
            Require.nonNegative(minDurationMs, "settings.minDurationMs");
            Require.nonNegative(maxDurationMs, "settings.maxDurationMs");
            Require.fraction(ciHalfWidth, "settings.ciHalfWidth");
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
            Require.positive(bits, "workload.bits");
            Require.nonNegative(activationElements, "workload.activationElements");
        }
    }
}
