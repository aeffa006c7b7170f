package io.sigmaquant.controller.sensitivity;

/**
 * When a probe of one (layer, bitwidth) may stop before it has seen every calibration image: once it has
 * seen {@code minImages} and the 95 % confidence interval of its mean KL is narrower than
 * ±{@code relativeHalfWidth} of the mean. Images are taken in an order shuffled with {@code seed}, so a
 * stopped probe averages a random subset, and the same seed gives the same table.
 *
 * @param relativeHalfWidth the interval's half-width as a share of the mean; 0 never stops early
 * @param minImages         images every probe sees at least
 * @param seed              shuffles the calibration images (only when stopping early is on)
 */
public record StoppingRule(double relativeHalfWidth, int minImages, long seed) {
    /** Every probe sees every image: the table of the straightforward computation. */
    public static final StoppingRule EXACT = new StoppingRule(0, 1, 0);
    /**
     * 95 % interval within ±10 % of the mean, after at least 16 images. On ResNet-18 @ 224 (64 images) it
     * took 82 s instead of 146 s and moved no entry by more than 10.5 % (docs/BENCHMARKS.md); ±5 % after 32
     * images stopped no probe there at all.
     */
    public static final StoppingRule DEFAULT = new StoppingRule(0.10, 16, 20260227L);
    /** Two-sided 95 % quantile of the normal distribution (probes stop only after dozens of images). */
    static final double Z95 = 1.959964;

    public StoppingRule {
        if (relativeHalfWidth < 0 || minImages < 1) {
            throw new IllegalArgumentException("relativeHalfWidth must be ≥ 0 and minImages ≥ 1: "
                    + relativeHalfWidth + ", " + minImages);
        }
    }

    public boolean exact() {
        return relativeHalfWidth == 0;
    }

    /** Whether an estimate of this many images is tight enough to stop. */
    boolean satisfiedBy(KlEstimate e) {
        if (exact() || e.count() < minImages) {
            return false;
        }
        return Z95 * e.standardError() <= relativeHalfWidth * e.mean();
    }

    /** Identifies the rule in cache keys and reports. */
    String id() {
        return exact() ? "exact" : "ci95<" + relativeHalfWidth + ",min" + minImages + ",seed" + seed;
    }
}
