package io.sigmaquant.agent.measure;

/**
 * A distribution-free 95 % confidence interval of a median from order statistics. The count of samples below
 * the true median is Binomial(n, ½); with its normal approximation (mean n/2, standard deviation √n/2) the
 * interval runs from the j-th to the k-th smallest sample, j = ⌊n/2 − 1.96·√n/2⌋ and
 * k = ⌈1 + n/2 + 1.96·√n/2⌉ (1-based, clamped to 1..n), e.g. the 40th and 61st of 100 (Conover, Practical
 * Nonparametric Statistics). No assumption about the shape of the distribution is made, which matters for
 * latencies: skewed, with outliers. For n &lt; 6 there are too few samples for any pair of order statistics to
 * reach 95 %, and the interval is the sample range (its coverage is 1 − 2·½ⁿ: 94 % at n = 5, 0 at n = 1).
 *
 * @param rangeOnly true when n &lt; 6 and the interval is just the sample range
 */
public record MedianInterval(double low, double high, boolean rangeOnly) {
    /** z for a two-sided 95 % interval. */
    static final double Z95 = 1.96;
    /** Below this many samples the order statistics cannot reach 95 %, so the range is reported. */
    public static final int MIN_SAMPLES = 6;

    public MedianInterval {
        if (!(low <= high)) {
            throw new IllegalArgumentException("low " + low + " above high " + high);
        }
    }

    /** @param sorted samples in ascending order, at least one */
    public static MedianInterval ofSorted(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (n < MIN_SAMPLES) {
            return new MedianInterval(sorted[0], sorted[n - 1], true);
        }
        double spread = Z95 * Math.sqrt(n) / 2;
        int j = Math.max(1, (int) Math.floor(n / 2.0 - spread));
        int k = Math.min(n, (int) Math.ceil(1 + n / 2.0 + spread));
        return new MedianInterval(sorted[j - 1], sorted[k - 1], false);
    }

    /** Half the width as a fraction of {@code estimate}: 0.02 means ±2 %. */
    public double relativeHalfWidth(double estimate) {
        double half = (high - low) / 2;
        if (half == 0) {
            return 0;
        }
        return estimate > 0 ? half / estimate : Double.POSITIVE_INFINITY;
    }
}
