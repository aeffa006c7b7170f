package io.sigmaquant.controller.sensitivity;

/** Running mean and variance of per-image KL values (Welford's update, stable for tiny KLs). */
final class KlEstimate {
    private long count;
    private double mean;
    private double m2;

    void add(double kl) {
        count++;
        double delta = kl - mean;
        mean += delta / count;
        m2 += delta * (kl - mean);
    }

    long count() {
        return count;
    }

    double mean() {
        return mean;
    }

    /** Standard error of the mean (sample variance / n); infinite below two values. */
    double standardError() {
        return count < 2 ? Double.POSITIVE_INFINITY : Math.sqrt(m2 / (count - 1) / count);
    }
}
