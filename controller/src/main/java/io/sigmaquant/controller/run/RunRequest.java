package io.sigmaquant.controller.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Budgets;

/**
 * What one closed-loop run is asked to do: the device class, the budgets and how to measure. It is the JSON
 * body part {@code request} of {@code POST /api/runs}; absent fields take the defaults of {@link #withDefaults}.
 *
 * @param latencyFraction when set, the latency budget is this fraction of the measured float model
 * @param method          sigmaquant (default), sigmaquant-paper, exact or uniform:B
 * @param sensitivityMode outputs (default with calibration images) or weights (data-free)
 * @param holdout         benchmark: random configurations measured after the loop to check its predictions
 * @param compareRandom   benchmark: at most this many random configurations, to count what random search needs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRequest(String deviceClass, Double maxSizeBytes, Double maxLatencyMs, Double maxEnergyMj,
                         Double latencyFraction, String method, Integer maxIterations, Double tolerance, Integer batch,
                         Integer threads, Integer runs, Long minDurationMs, Integer leaseSeconds, Integer maxAttempts,
                         String sensitivityMode, Double scale, Double mean, Double std, Integer holdout,
                         Integer compareRandom) {

    /** A request with only a device class; the rest takes defaults. */
    public static RunRequest forDeviceClass(String deviceClass) {
        return new RunRequest(deviceClass, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    /** Fills every absent setting with its default (budgets stay absent: absent means unconstrained). */
    public RunRequest withDefaults() {
        return new RunRequest(deviceClass, maxSizeBytes, maxLatencyMs, maxEnergyMj, latencyFraction,
                method == null ? "sigmaquant" : method, or(maxIterations, 8), or(tolerance, 0.15), or(batch, 1),
                or(threads, 0), or(runs, 50), minDurationMs == null ? 1000L : minDurationMs, or(leaseSeconds, 120),
                or(maxAttempts, 3), sensitivityMode, scale, mean, std, or(holdout, 0), or(compareRandom, 0));
    }

    /** Refuses a request that cannot run, with a message naming the field. */
    public RunRequest validate() {
        if (deviceClass == null || deviceClass.isBlank()) {
            throw new UserInputException("deviceClass is required");
        }
        positive(maxSizeBytes, "maxSizeBytes");
        positive(maxLatencyMs, "maxLatencyMs");
        positive(maxEnergyMj, "maxEnergyMj");
        positive(latencyFraction, "latencyFraction");
        positive(tolerance, "tolerance");
        if (maxSizeBytes == null && maxLatencyMs == null && maxEnergyMj == null && latencyFraction == null) {
            throw new UserInputException("give at least one budget: maxSizeBytes, maxLatencyMs, maxEnergyMj or "
                    + "latencyFraction");
        }
        if (maxLatencyMs != null && latencyFraction != null) {
            throw new UserInputException("give maxLatencyMs or latencyFraction, not both");
        }
        atLeast(maxIterations, 1, "maxIterations");
        atLeast(batch, 1, "batch");
        atLeast(threads, 0, "threads");
        atLeast(runs, 1, "runs");
        atLeast(leaseSeconds, 1, "leaseSeconds");
        atLeast(maxAttempts, 1, "maxAttempts");
        atLeast(holdout, 0, "holdout");
        atLeast(compareRandom, 0, "compareRandom");
        if (minDurationMs != null && minDurationMs < 0) {
            throw new UserInputException("minDurationMs must not be negative: " + minDurationMs);
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

    private static void positive(Double v, String field) {
        if (v != null && !(v > 0 && Double.isFinite(v))) {
            throw new UserInputException(field + " must be a positive number: " + v);
        }
    }

    private static void atLeast(Integer v, int min, String field) {
        if (v != null && v < min) {
            throw new UserInputException(field + " must be at least " + min + ": " + v);
        }
    }

    private static <T> T or(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
