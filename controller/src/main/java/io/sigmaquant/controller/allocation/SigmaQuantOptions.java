package io.sigmaquant.controller.allocation;

/**
 * The named knobs of the SigmaQuant methods (docs/ALLOCATION.md); {@link #defaults()} documents the defaults.
 *
 * @param kRule      how Phase 1 picks the number of σ clusters
 * @param fixedK     k when {@code kRule} is FIXED
 * @param sigmaScale whether clustering sees σ or log σ
 * @param moveRule   how Phase 2 ranks moves
 */
public record SigmaQuantOptions(KRule kRule, int fixedK, SigmaScale sigmaScale, MoveRule moveRule) {

    /** Phase 1's choice of k. */
    public enum KRule {
        /** Minimum BIC over k = 1..min(#allowed bitwidths, #layers) (default). */
        BIC,
        /** A fixed k (capped by the number of layers and bitwidths). */
        FIXED
    }

    /** What Phase 1 clusters. */
    public enum SigmaScale {
        /** log σ (default): σ spans orders of magnitude between a stem conv and a wide FC layer. */
        LOG,
        /** σ as it is. */
        LINEAR
    }

    /** Phase 2's ranking of moves. */
    public enum MoveRule {
        /** ΔD per unit of normalised cost (default): cheapest accuracy per byte/ms/mJ. */
        RATIO,
        /** ΔD alone: cost-blind, for comparison. */
        DELTA
    }

    public static SigmaQuantOptions defaults() {
        return new SigmaQuantOptions(KRule.BIC, 3, SigmaScale.LOG, MoveRule.RATIO);
    }

    public SigmaQuantOptions {
        if (fixedK < 1) {
            throw new IllegalArgumentException("fixedK must be at least 1: " + fixedK);
        }
    }
}
