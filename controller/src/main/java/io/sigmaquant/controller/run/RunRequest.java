package io.sigmaquant.controller.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.loop.LoopSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one closed-loop run is asked to do: the device class, the budgets and how to measure. It is the JSON
 * body part {@code request} of {@code POST /api/runs}; absent fields take the {@code DEFAULT_*}
 * values here. Java callers use {@link #builder}.
 *
 * @param latencyFraction when set, the latency budget is this fraction of the measured float model
 * @param method          sigmaquant (default), sigmaquant-paper, exact or uniform:B
 * @param sensitivityMode outputs (default with calibration images) or weights (data-free)
 * @param holdout         benchmark: random configurations measured after the loop to check its predictions
 * @param compareRandom   benchmark: at most this many random configurations, to count what random search needs
 * @param seed            seeds the loop's resamples and the benchmarks' random configurations
 * @param pairedReference whether each job also measures the float model interleaved with the candidate, so that
 *                        the loop can correct the board's drift between jobs (doubles the time per job)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRequest(String deviceClass, Double maxSizeBytes, Double maxLatencyMs, Double maxEnergyMj,
                         Double latencyFraction, String method, Integer maxIterations, Double tolerance, Integer batch,
                         Integer threads, Integer runs, Long minDurationMs, Integer leaseSeconds, Integer maxAttempts,
                         String sensitivityMode, Double scale, Double mean, Double std, Integer holdout,
                         Integer compareRandom, Long seed, Boolean pairedReference) {

    // The one home of the loop's defaults: the API, optimize and demo leave a setting null to get these.
    public static final String DEFAULT_METHOD = SigmaQuantAllocator.NAME;
    public static final int DEFAULT_MAX_ITERATIONS = 8;
    public static final double DEFAULT_TOLERANCE = 0.15;
    public static final int DEFAULT_BATCH = 1;
    /** Zero: as many threads as the device profile measures with, capped by each agent at its cores. */
    public static final int DEFAULT_THREADS = 0;
    public static final int DEFAULT_RUNS = 50;
    public static final long DEFAULT_MIN_DURATION_MS = 1000;
    /** Long enough for a whole measurement of a large model on a slow board, fetch included. */
    public static final int DEFAULT_LEASE_SECONDS = 120;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int DEFAULT_HOLDOUT = 0;
    public static final int DEFAULT_COMPARE_RANDOM = 0;
    public static final long DEFAULT_SEED = LoopSettings.DEFAULT_SEED;
    public static final boolean DEFAULT_PAIRED_REFERENCE = LoopSettings.DEFAULT_PAIRED_REFERENCE;

    public static Builder builder(String deviceClass) {
        return new Builder(deviceClass);
    }

    /** Fills every absent setting with its default (budgets stay absent: absent means unconstrained). */
    public RunRequest withDefaults() {
        return new RunRequest(deviceClass, maxSizeBytes, maxLatencyMs, maxEnergyMj, latencyFraction,
                or(method, DEFAULT_METHOD), or(maxIterations, DEFAULT_MAX_ITERATIONS), or(tolerance, DEFAULT_TOLERANCE),
                or(batch, DEFAULT_BATCH), or(threads, DEFAULT_THREADS), or(runs, DEFAULT_RUNS),
                or(minDurationMs, DEFAULT_MIN_DURATION_MS), or(leaseSeconds, DEFAULT_LEASE_SECONDS),
                or(maxAttempts, DEFAULT_MAX_ATTEMPTS), sensitivityMode, scale, mean, std, or(holdout, DEFAULT_HOLDOUT),
                or(compareRandom, DEFAULT_COMPARE_RANDOM), or(seed, DEFAULT_SEED),
                or(pairedReference, DEFAULT_PAIRED_REFERENCE));
    }

    /** Refuses a request that cannot run, with a message naming the field (ranges: {@link RunRequestLimits}). */
    public RunRequest validate() {
        if (deviceClass == null || deviceClass.isBlank()) {
            throw new UserInputException("deviceClass is required");
        }
        RunRequestLimits.check(this);
        if (maxSizeBytes == null && maxLatencyMs == null && maxEnergyMj == null && latencyFraction == null) {
            throw new UserInputException("give at least one budget: maxSizeBytes, maxLatencyMs, maxEnergyMj or "
                    + "latencyFraction");
        }
        if (maxLatencyMs != null && latencyFraction != null) {
            throw new UserInputException("give maxLatencyMs or latencyFraction, not both");
        }
        if (method != null && !method.matches("sigmaquant|sigmaquant-paper|exact|uniform:[0-9]{1,2}")) {
            throw new UserInputException("method must be sigmaquant, sigmaquant-paper, exact or uniform:B, not '" + method + "'");
        }
        if (sensitivityMode != null && !sensitivityMode.equals("outputs") && !sensitivityMode.equals("weights")) {
            throw new UserInputException("sensitivityMode must be outputs or weights, not '" + sensitivityMode + "'");
        }
        return this;
    }

    /** The fixed budgets (the latency budget from {@code latencyFraction} is set by the loop once measured). */
    public Budgets budgets() {
        return Budgets.of(maxSizeBytes, maxLatencyMs, maxEnergyMj);
    }

    /** The budgets as the store keeps them: by resource label, and the latency fraction when one is given. */
    public Map<String, Double> budgetView() {
        Map<String, Double> view = new LinkedHashMap<>();
        budgets().limits().forEach((r, v) -> view.put(r.label(), v));
        if (latencyFraction != null) {
            view.put("latencyFractionOfFloat", latencyFraction);
        }
        return view;
    }

    private static <T> T or(T v, T dflt) {
        return v == null ? dflt : v;
    }

    /** Builds a request by name; what is not set stays null and takes its default when the run is checked. */
    public static final class Builder {
        private final String deviceClass;
        private Double maxSizeBytes;
        private Double maxLatencyMs;
        private Double maxEnergyMj;
        private Double latencyFraction;
        private String method;
        private Integer maxIterations;
        private Double tolerance;
        private Integer batch;
        private Integer threads;
        private Integer runs;
        private Long minDurationMs;
        private Integer leaseSeconds;
        private Integer maxAttempts;
        private String sensitivityMode;
        private Double scale;
        private Double mean;
        private Double std;
        private Integer holdout;
        private Integer compareRandom;
        private Long seed;
        private Boolean pairedReference;

        private Builder(String deviceClass) {
            this.deviceClass = deviceClass;
        }

        public Builder maxSizeBytes(Double v) {
            maxSizeBytes = v;
            return this;
        }

        public Builder maxLatencyMs(Double v) {
            maxLatencyMs = v;
            return this;
        }

        public Builder maxEnergyMj(Double v) {
            maxEnergyMj = v;
            return this;
        }

        public Builder latencyFraction(Double v) {
            latencyFraction = v;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder maxIterations(Integer v) {
            maxIterations = v;
            return this;
        }

        public Builder tolerance(Double v) {
            tolerance = v;
            return this;
        }

        public Builder batch(Integer v) {
            batch = v;
            return this;
        }

        public Builder threads(Integer v) {
            threads = v;
            return this;
        }

        public Builder runs(Integer v) {
            runs = v;
            return this;
        }

        public Builder minDurationMs(Long v) {
            minDurationMs = v;
            return this;
        }

        public Builder leaseSeconds(Integer v) {
            leaseSeconds = v;
            return this;
        }

        public Builder maxAttempts(Integer v) {
            maxAttempts = v;
            return this;
        }

        public Builder sensitivityMode(String v) {
            sensitivityMode = v;
            return this;
        }

        /** Input preprocessing overrides ({@code (pixel·scale − mean) / std}); null keeps the model's metadata. */
        public Builder preprocessing(Double scale, Double mean, Double std) {
            this.scale = scale;
            this.mean = mean;
            this.std = std;
            return this;
        }

        public Builder holdout(Integer v) {
            holdout = v;
            return this;
        }

        public Builder compareRandom(Integer v) {
            compareRandom = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder pairedReference(Boolean v) {
            pairedReference = v;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(deviceClass, maxSizeBytes, maxLatencyMs, maxEnergyMj, latencyFraction, method,
                    maxIterations, tolerance, batch, threads, runs, minDurationMs, leaseSeconds, maxAttempts,
                    sensitivityMode, scale, mean, std, holdout, compareRandom, seed, pairedReference);
        }
    }
}
