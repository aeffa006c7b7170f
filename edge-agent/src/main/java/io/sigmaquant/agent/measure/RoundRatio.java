package io.sigmaquant.agent.measure;

import java.util.Arrays;

/**
 * The candidate/reference latency ratio of paired rounds: each round's ratio is the median of its candidate
 * block over the median of its reference block, and the estimate is the median of those per-round ratios, with
 * the same order-statistics 95 % interval as a latency median ({@link MedianInterval}). A drift of the board
 * that is slow next to a round scales both blocks alike and cancels in the round's ratio.
 */
public record RoundRatio(int rounds, double ratio, MedianInterval ci) {

    public static RoundRatio of(double[] perRound) {
        double[] s = perRound.clone();
        Arrays.sort(s);
        return new RoundRatio(s.length, LatencyStats.median(s), MedianInterval.ofSorted(s));
    }

    /** Half the interval as a fraction of the ratio. */
    public double relativeHalfWidth() {
        return ci.relativeHalfWidth(ratio);
    }
}
