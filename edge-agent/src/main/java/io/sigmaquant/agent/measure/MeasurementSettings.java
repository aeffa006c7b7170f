package io.sigmaquant.agent.measure;

/**
 * How to measure: warm-up runs, then timed runs until both {@code minRuns} and
 * {@code minDurationMs} are reached (capped by {@code maxRuns}), then {@code profiledRuns} in a separate
 * profiling session.
 */
public record MeasurementSettings(int threads, int warmupRuns, int minRuns, long minDurationMs, int maxRuns,
                                  int profiledRuns, long idleBaselineMs) {
    public MeasurementSettings {
        if (warmupRuns < 0 || minRuns < 1 || minDurationMs < 0 || maxRuns < minRuns || profiledRuns < 0
                || idleBaselineMs < 0) {
            throw new IllegalArgumentException("inconsistent measurement settings");
        }
    }
}
