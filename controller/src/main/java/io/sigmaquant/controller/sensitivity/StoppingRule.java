package io.sigmaquant.controller.sensitivity;

/**
 * When a probe of one (layer, bitwidth) may stop before it has seen every calibration image: once it has
 * seen {@code minImages} and the 95 % confidence interval of its mean KL is narrower than
 * ±{@code relativeHalfWidth} of the mean, or narrower than ±{@code layerShare} of the largest mean KL among
 * its layer's probes (the layer's lowest bitwidth, as a rule). The second bound is why high bitwidths stop
 * early: their D is 10⁻³–10⁻⁴ of the layer's 2-bit D, so an error of a few percent of it changes no
 * allocation, while per-image KLs vary too much (a coefficient of variation near 0.4) for ±10 % of so small a
 * mean before 60 images. Images are taken in an order shuffled with {@code seed}, so a stopped probe
 * averages a random subset, and the same seed gives the same table.
 *
 * @param relativeHalfWidth the interval's half-width as a share of the mean; 0 never stops early
 * @param layerShare        the interval's half-width as a share of the layer's largest mean KL; 0 turns this off
 * @param minImages         images every probe sees at least
 * @param seed              shuffles the calibration images (only when stopping early is on)
 */
public record StoppingRule(double relativeHalfWidth, double layerShare, int minImages, long seed) {
    /** Every probe sees every image: the table of the straightforward computation. */
    public static final StoppingRule EXACT = new StoppingRule(0, 0, 1, 0);
    /**
     * 95 % interval within ±10 % of the mean or ±0.5 % of the layer's largest D, after at least 16 images
     * (docs/BENCHMARKS.md has the time and the table difference on ResNet-18 and MobileNetV2 @ 224).
     */
    public static final StoppingRule DEFAULT = new StoppingRule(0.10, 0.005, 16, 20260227L);
    /** Two-sided 95 % quantile of the normal distribution (probes stop only after dozens of images). */
    static final double Z95 = 1.959964;

    public StoppingRule {
        if (!(relativeHalfWidth >= 0) || !(layerShare >= 0) || minImages < 1) {
            throw new IllegalArgumentException("relativeHalfWidth and layerShare must be ≥ 0 and minImages ≥ 1: "
                    + relativeHalfWidth + ", " + layerShare + ", " + minImages);
        }
    }

    /** Every probe sees every image: neither bound may stop it. */
    public boolean exact() {
        return relativeHalfWidth == 0 && layerShare == 0;
    }

    /** Whether an estimate of this many images is tight enough to stop, given its layer's largest mean KL. */
    boolean satisfiedBy(KlEstimate e, double layerScale) {
        if (exact() || e.count() < minImages) {
            return false;
        }
        double halfWidth = Z95 * e.standardError();
        return halfWidth <= relativeHalfWidth * e.mean() || halfWidth <= layerShare * layerScale;
    }

    /** How the table's probes stopped, for its source line ("" when exact). */
    String describe() {
        return exact() ? "" : String.format(java.util.Locale.ROOT,
                ", each probe stopped once its 95%% interval was within ±%s%% of its mean or ±%s%% of its layer's "
                        + "largest KL (at least %d images)",
                percent(relativeHalfWidth), percent(layerShare), minImages);
    }

    private static String percent(double share) {
        return java.math.BigDecimal.valueOf(100 * share).stripTrailingZeros().toPlainString();
    }

    /** Identifies the rule in cache keys and reports. */
    String id() {
        return exact() ? "exact"
                : "ci95<" + relativeHalfWidth + "|" + layerShare + "*layer,min" + minImages + ",seed" + seed;
    }
}
