package io.sigmaquant.controller.run;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.protocol.Limits;

/**
 * The documented range of every numeric field of a run request (openapi.yaml, RunRequest). Fields a run shares
 * with the jobs it sends (batch, threads, runs, durations, lease, attempts) take their bounds from the protocol's
 * {@link Limits}, so that a run the API accepts never produces a job an agent refuses; the rest are the run's
 * own. Each refusal names the field and its range.
 */
public final class RunRequestLimits {
    /** A size budget above the largest model there can be is no budget. */
    public static final double MAX_SIZE_BYTES = Limits.MAX_MODEL_BYTES;
    /** Per inference: a budget above the longest measurement a job may take could never be checked. */
    public static final double MAX_LATENCY_MS = Limits.MAX_DURATION_MS;
    /** Per inference: 1 kJ, far above any edge board (a 10 W board running for the longest latency is 6 kJ/min). */
    public static final double MAX_ENERGY_MJ = 1e6;
    /** A latency budget of up to 10 × the float model's latency (above 1 only to allow slack). */
    public static final double MAX_LATENCY_FRACTION = 10;
    /** The loop's relative tolerance: above 1 (100 %) it would accept anything. */
    public static final double MAX_TOLERANCE = 1;
    /** Loop iterations, holdout and random configurations each cost a measurement on a board. */
    public static final int MAX_ITERATIONS = 1000;
    public static final int MAX_BENCHMARK_CONFIGS = 1000;

    private RunRequestLimits() {
    }

    /** Checks every numeric field that is given (absent ones take their defaults, which are in range). */
    public static void check(RunRequest r) {
        within(r.maxSizeBytes(), MAX_SIZE_BYTES, "maxSizeBytes");
        within(r.maxLatencyMs(), MAX_LATENCY_MS, "maxLatencyMs");
        within(r.maxEnergyMj(), MAX_ENERGY_MJ, "maxEnergyMj");
        within(r.latencyFraction(), MAX_LATENCY_FRACTION, "latencyFraction");
        within(r.tolerance(), MAX_TOLERANCE, "tolerance");
        range(r.maxIterations(), 1, MAX_ITERATIONS, "maxIterations");
        range(r.batch(), 1, Limits.MAX_BATCH, "batch");
        range(r.threads(), 0, Limits.MAX_THREADS, "threads");
        range(r.runs(), 1, Limits.MAX_MIN_RUNS, "runs");
        range(r.minDurationMs(), 0, Limits.MAX_DURATION_MS, "minDurationMs");
        range(r.leaseSeconds(), 1, Limits.MAX_LEASE_SECONDS, "leaseSeconds");
        range(r.maxAttempts(), 1, Limits.MAX_ATTEMPT, "maxAttempts");
        range(r.holdout(), 0, MAX_BENCHMARK_CONFIGS, "holdout");
        range(r.compareRandom(), 0, MAX_BENCHMARK_CONFIGS, "compareRandom");
        finite(r.scale(), "scale");
        finite(r.mean(), "mean");
        finite(r.std(), "std");
        if (r.scale() != null && r.scale() == 0) {
            throw new UserInputException("scale must not be 0");
        }
        if (r.std() != null && !(r.std() > 0)) {
            throw new UserInputException("std must be a positive number: " + r.std());
        }
    }

    /** More threads than the class's cores only measure contention (and 100000 wedged an agent: issue 13). */
    public static void checkThreads(RunRequest r, DeviceProfile profile) {
        int cores = profile.hardware() == null ? 0 : profile.hardware().cores();
        if (r.threads() != null && cores > 0 && r.threads() > cores) {
            throw new UserInputException("threads must be at most " + cores + ", the cores of " + profile.id()
                    + " (0 for the agent's default): " + r.threads());
        }
    }

    private static void within(Double v, double max, String field) {
        if (v != null && !(v > 0 && v <= max)) {
            throw new UserInputException(field + " must be a positive number up to " + fmt(max) + ": " + v);
        }
    }

    private static void range(Number v, long min, long max, String field) {
        if (v != null && (v.longValue() < min || v.longValue() > max)) {
            throw new UserInputException(field + " must be between " + min + " and " + max + ": " + v);
        }
    }

    private static void finite(Double v, String field) {
        if (v != null && !Double.isFinite(v)) {
            throw new UserInputException(field + " must be a finite number: " + v);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
