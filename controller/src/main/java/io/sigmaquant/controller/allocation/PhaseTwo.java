package io.sigmaquant.controller.allocation;

/**
 * SigmaQuant's Phase 2 greedy passes over one choice vector (docs/ALLOCATION.md):
 * <ul>
 *   <li>{@link #repair()}: while a budget is violated, make the move with the least ΔD per unit of normalised
 *       violation removed (usually a lower bitwidth, but costs need not fall with bits: weight-only int8 is
 *       slower than fp32, so a move up may be the one that helps);</li>
 *   <li>{@link #raise()}: while slack remains, make the move to a higher bitwidth with the most ΔD removed per
 *       unit of normalised cost added that stays within every budget.</li>
 * </ul>
 */
final class PhaseTwo {
    private final AllocationProblem p;
    private final ResourceTotals totals;
    private final SigmaQuantOptions.MoveRule rule;

    PhaseTwo(AllocationProblem p, ResourceTotals totals, SigmaQuantOptions.MoveRule rule) {
        this.p = p;
        this.totals = totals;
        this.rule = rule;
    }

    /** Repairs until feasible, or until no move reduces the violation (the caller then reports it). */
    void repair() {
        int[] choice = totals.choice();
        double violation = totals.violation();
        while (violation > 0) {
            int bestLayer = -1;
            int bestChoice = -1;
            double bestScore = Double.POSITIVE_INFINITY;
            double bestViolation = violation;
            for (int l = 0; l < p.size(); l++) {
                int current = choice[l];
                // one step at a time: the nearest choice below (or above) that removes violation, so a large
                // layer is not thrown far down for a small overshoot
                for (int direction : new int[] {-1, 1}) {
                    for (int j = current + direction; j >= 0 && j < p.choices(); j += direction) {
                        double v = totals.violationAfter(l, j);
                        double removed = violation - v;
                        if (removed <= 1e-15) {
                            continue;
                        }
                        double deltaD = p.d()[l][j] - p.d()[l][current];
                        double score = rule == SigmaQuantOptions.MoveRule.RATIO ? deltaD / removed : deltaD;
                        if (score < bestScore) {
                            bestScore = score;
                            bestLayer = l;
                            bestChoice = j;
                            bestViolation = v;
                        }
                        break;
                    }
                }
            }
            if (bestLayer < 0) {
                return;
            }
            totals.apply(bestLayer, bestChoice);
            violation = bestViolation;
        }
    }

    /** Raises layers while a raise that lowers D still fits. */
    void raise() {
        int[] choice = totals.choice();
        while (true) {
            int bestLayer = -1;
            int bestChoice = -1;
            double bestScore = 0;
            for (int l = 0; l < p.size(); l++) {
                int current = choice[l];
                for (int j = current + 1; j < p.choices(); j++) {
                    double gain = p.d()[l][current] - p.d()[l][j];
                    if (gain <= 0 || !totals.fits(l, j)) {
                        continue;
                    }
                    double added = totals.normalisedIncrease(l, j);
                    double score = rule == SigmaQuantOptions.MoveRule.DELTA ? gain
                            : added <= 0 ? Double.MAX_VALUE / 2 + gain : gain / added;
                    if (score > bestScore) {
                        bestScore = score;
                        bestLayer = l;
                        bestChoice = j;
                    }
                }
            }
            if (bestLayer < 0) {
                return;
            }
            totals.apply(bestLayer, bestChoice);
        }
    }
}
