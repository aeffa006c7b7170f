package io.sigmaquant.agent.measure;

import io.sigmaquant.protocol.message.JobResult;
import java.util.Arrays;

/**
 * Summary of timed inference runs in milliseconds. Percentiles use the nearest-rank method, which
 * reports a latency that was actually observed; the median carries its distribution-free 95 % confidence
 * interval ({@link MedianInterval}).
 */
public record LatencyStats(int runs, double medianMs, double p90Ms, double p99Ms, double meanMs, double cv,
                           MedianInterval medianCi) {

    public static LatencyStats of(double[] samplesMs) {
        if (samplesMs.length == 0) {
            throw new IllegalArgumentException("samplesMs must not be empty");
        }
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = Arrays.stream(s).map(x -> (x - mean) * (x - mean)).sum() / s.length;
        double cv = mean == 0 ? 0 : Math.sqrt(var) / mean;
        return new LatencyStats(s.length, median(s), nearestRank(s, 0.90), nearestRank(s, 0.99), mean, cv,
                MedianInterval.ofSorted(s));
    }

    /** The median of the samples, without the rest of the summary. */
    public static double medianOf(double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return median(s);
    }

    /** Half the median's CI as a fraction of the median. */
    public double relativeHalfWidth() {
        return medianCi.relativeHalfWidth(medianMs);
    }

    /** The wire form; {@code totalMs} is the timed window, {@code ciTargetReached} may be null. */
    public JobResult.Latency toWire(double totalMs, Boolean ciTargetReached) {
        return new JobResult.Latency(runs, medianMs, p90Ms, p99Ms, meanMs, cv, totalMs, medianCi.low(),
                medianCi.high(), ciTargetReached);
    }

    /** The wire form without a statement about the CI target. */
    public JobResult.Latency toWire(double totalMs) {
        return toWire(totalMs, null);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double nearestRank(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
