package io.sigmaquant.controller.sensitivity;

/**
 * When a probe of one (layer, bitwidth) may stop before it has seen every calibration image: once it has
 * seen {@code minImages} and the 95 % confidence interval of its {@link KlEstimate mean KL} is narrower than
 * ±{@code relativeHalfWidth} of the mean. Images are taken in an order shuffled with {@code seed}, so a stopped
 * probe averages a random subset, and the same seed gives the same table.
 *
 * <p>The bound is relative to each entry on purpose: an allocation at a generous budget weighs the 5-, 6- and
 * 8-bit entries against each other, which are 10⁻²–10⁻⁴ of the 2-bit ones; a bound relative to a layer's largest
 * D stopped those after 16 images with errors of 70 % and cost the fixtures' allocations 4 % of their objective.
 *
 * @param relativeHalfWidth the interval's half-width as a share of the mean; 0 never stops early
 * @param minImages         images every probe sees at least
 * @param seed              shuffles the calibration images (only when stopping early is on)
 */
public record StoppingRule(double relativeHalfWidth, int minImages, long seed) {
    /** Every probe sees every image: the table of the straightforward computation. */
    public static final StoppingRule EXACT = new StoppingRule(0, 1, 0);
    /**
     * 95 % interval within ±10 % of the mean, after at least 16 images (docs/BENCHMARKS.md has the time and the
     * table difference on the fixtures, ResNet-18 and MobileNetV2 @ 224).
     */
    public static final StoppingRule DEFAULT = new StoppingRule(0.10, 16, 20260227L);
    /** Two-sided 95 % quantile of the normal distribution (probes stop only after dozens of images). */
    static final double Z95 = 1.959964;

    public StoppingRule {
        if (!(relativeHalfWidth >= 0) || minImages < 1) {
            throw new IllegalArgumentException("relativeHalfWidth must be ≥ 0 and minImages ≥ 1: "
                    + relativeHalfWidth + ", " + minImages);
        }
    }

    /** Every probe sees every image. */
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

    /** How the table's probes stopped, for its source line ("" when exact). */
    String describe() {
        return exact() ? "" : String.format(java.util.Locale.ROOT,
                ", each probe stopped once the 95%% interval of its control-variate estimate was within ±%s%% "
                        + "(at least %d images)", percent(relativeHalfWidth), minImages);
    }

    private static String percent(double share) {
        return java.math.BigDecimal.valueOf(100 * share).stripTrailingZeros().toPlainString();
    }

    /** Identifies the rule in cache keys and reports (v3: control-variate estimates). */
    String id() {
        return exact() ? "exact" : "cv-ci95<" + relativeHalfWidth + ",min" + minImages + ",seed" + seed;
    }
}
