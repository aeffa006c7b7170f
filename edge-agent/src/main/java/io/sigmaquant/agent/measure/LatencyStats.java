package io.sigmaquant.agent.measure;

import io.sigmaquant.protocol.message.JobResult;
import java.util.Arrays;

/**
 * Summary of timed inference runs in milliseconds. Percentiles use the nearest-rank method, which
 * reports a latency that was actually observed.
 */
public record LatencyStats(int runs, double medianMs, double p90Ms, double p99Ms, double meanMs, double cv) {

    public static LatencyStats of(double[] samplesMs) {
        if (samplesMs.length == 0) {
            throw new IllegalArgumentException("samplesMs must not be empty");
        }
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = Arrays.stream(s).map(x -> (x - mean) * (x - mean)).sum() / s.length;
        double cv = mean == 0 ? 0 : Math.sqrt(var) / mean;
        return new LatencyStats(s.length, median(s), nearestRank(s, 0.90), nearestRank(s, 0.99), mean, cv);
    }

    /** The wire form; {@code totalMs} is the timed window. */
    public JobResult.Latency toWire(double totalMs) {
        return new JobResult.Latency(runs, medianMs, p90Ms, p99Ms, meanMs, cv, totalMs);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double nearestRank(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
