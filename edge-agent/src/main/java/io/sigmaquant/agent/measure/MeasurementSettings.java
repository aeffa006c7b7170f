package io.sigmaquant.agent.measure;

import io.sigmaquant.protocol.message.MeasurementJob;

/**
 * How to measure: warm-up runs, then timed runs until both {@code minRuns} and {@code minDurationMs} are
 * reached, then on until the median's 95 % confidence interval is within ±{@code ciHalfWidth} of the median
 * or {@code maxDurationMs} of timed runs have passed (capped by {@code maxRuns} throughout), then
 * {@code profiledRuns} in a separate profiling session. The cap never cuts the minimums short.
 *
 * <p>A zero {@code maxDurationMs} or {@code ciHalfWidth} (what a job sends for "the agent's default") is
 * replaced here, the one home of the defaults.
 */
public record MeasurementSettings(int threads, int warmupRuns, int minRuns, long minDurationMs, int maxRuns,
                                  int profiledRuns, long idleBaselineMs, long maxDurationMs, double ciHalfWidth) {
    /** ±2 % of the median: tighter than the 10–30 % run-to-run swings seen on shared VMs, reachable on boards. */
    public static final double DEFAULT_CI_HALF_WIDTH = 0.02;
    /** The default cap is this many times the minimum duration … */
    public static final int DEFAULT_CAP_FACTOR = 4;
    /** … and at least this long, so short minimums still leave room to narrow the interval. */
    public static final long DEFAULT_CAP_FLOOR_MS = 2_000;

    public MeasurementSettings {
        if (maxDurationMs == 0) {
            maxDurationMs = defaultCapMs(minDurationMs);
        }
        if (ciHalfWidth == 0) {
            ciHalfWidth = DEFAULT_CI_HALF_WIDTH;
        }
        if (warmupRuns < 0 || minRuns < 1 || minDurationMs < 0 || maxRuns < minRuns || profiledRuns < 0
                || idleBaselineMs < 0 || maxDurationMs < 0 || !(ciHalfWidth > 0 && ciHalfWidth < 1)) {
            throw new IllegalArgumentException("inconsistent measurement settings");
        }
    }

    /** Settings with the default cap and CI target. */
    public MeasurementSettings(int threads, int warmupRuns, int minRuns, long minDurationMs, int maxRuns,
                               int profiledRuns, long idleBaselineMs) {
        this(threads, warmupRuns, minRuns, minDurationMs, maxRuns, profiledRuns, idleBaselineMs, 0, 0);
    }

    public static long defaultCapMs(long minDurationMs) {
        return Math.max(DEFAULT_CAP_FACTOR * minDurationMs, DEFAULT_CAP_FLOOR_MS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding what a job asks for; the agent adds its own bounds (maxRuns, profiling, idle). */
    public static Builder builder(MeasurementJob.Settings job) {
        return new Builder().threads(job.threads()).warmupRuns(job.warmupRuns()).minRuns(job.minRuns())
                .minDurationMs(job.minDurationMs()).maxDurationMs(job.maxDurationMs()).ciHalfWidth(job.ciHalfWidth());
    }

    /** These settings with another cap (0 = the default). */
    public MeasurementSettings withMaxDurationMs(long ms) {
        return new MeasurementSettings(threads, warmupRuns, minRuns, minDurationMs, maxRuns, profiledRuns,
                idleBaselineMs, ms, ciHalfWidth);
    }

    /** True once the median's interval is as narrow as asked. */
    public boolean precise(LatencyStats stats) {
        return stats.relativeHalfWidth() <= ciHalfWidth;
    }

    /** Fluent construction; unset values take the record's defaults. */
    public static final class Builder {
        private int threads;
        private int warmupRuns;
        private int minRuns = 1;
        private long minDurationMs;
        private int maxRuns = Integer.MAX_VALUE;
        private int profiledRuns;
        private long idleBaselineMs;
        private long maxDurationMs;
        private double ciHalfWidth;

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder warmupRuns(int v) {
            warmupRuns = v;
            return this;
        }

        public Builder minRuns(int v) {
            minRuns = v;
            return this;
        }

        public Builder minDurationMs(long v) {
            minDurationMs = v;
            return this;
        }

        public Builder maxRuns(int v) {
            maxRuns = v;
            return this;
        }

        public Builder profiledRuns(int v) {
            profiledRuns = v;
            return this;
        }

        public Builder idleBaselineMs(long v) {
            idleBaselineMs = v;
            return this;
        }

        /** 0 = {@link #defaultCapMs}. */
        public Builder maxDurationMs(long v) {
            maxDurationMs = v;
            return this;
        }

        /** 0 = {@link #DEFAULT_CI_HALF_WIDTH}. */
        public Builder ciHalfWidth(double v) {
            ciHalfWidth = v;
            return this;
        }

        public MeasurementSettings build() {
            return new MeasurementSettings(threads, warmupRuns, minRuns, minDurationMs, maxRuns, profiledRuns,
                    idleBaselineMs, maxDurationMs, ciHalfWidth);
        }
    }
}
