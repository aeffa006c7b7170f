package io.sigmaquant.controller.allocation;

import java.util.Arrays;

/**
 * The SigmaQuant heuristic as this project reconstructs it (DESIGN §3).
 * <ol>
 *   <li>Phase 1: exact 1-D k-means over (log) σ; clusters ordered by centroid take a window of k consecutive
 *       allowed bitwidths, larger σ → more bits; the window sits as high as the budgets allow.</li>
 *   <li>Phase 2: while a budget is violated, make the move (any other bitwidth for one layer; usually a lower
 *       one, but costs need not fall with bits, e.g. weight-only int8 is slower than fp32) with the least ΔD
 *       per unit of normalised violation removed; then, while slack remains, the move (any higher
 *       bitwidth) with the most ΔD removed per unit of normalised cost added that stays within budget;
 *       finally, pairs of moves (raise one layer, lower another) that lower Σ D and stay within budget
 *       ({@link SwapRefinement}), which undoes the greedy's overshoots.</li>
 * </ol>
 */
public final class SigmaQuantAllocator implements Allocator {
    private final SigmaQuantOptions options;

    public SigmaQuantAllocator(SigmaQuantOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "sigmaquant";
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        p.requireEachBudgetReachable();
        int[] choice = phase1(p);
        repairUntilFeasible(p, choice);
        if (!p.feasible(choice)) {
            throw new InfeasibleBudgetException("budgets cannot all be met together: " + violations(p, choice));
        }
        raiseWhileSlack(p, choice);
        new SwapRefinement(p, choice).run();
        return Allocation.of(name(), p, choice, "HEURISTIC", start);
    }

    /** Phase 1 on its own, for reports and tests. */
    public int[] phase1(AllocationProblem p) {
        int n = p.size();
        double[] x = new double[n];
        for (int l = 0; l < n; l++) {
            double s = Math.max(p.sigma()[l], 1e-12);
            x[l] = options.sigmaScale() == SigmaQuantOptions.SigmaScale.LOG ? Math.log(s) : s;
        }
        int kMax = Math.min(p.choices(), n);
        SigmaClustering.Clusters clusters = options.kRule() == SigmaQuantOptions.KRule.FIXED
                ? SigmaClustering.kMeans(x, Math.min(options.fixedK(), kMax))
                : SigmaClustering.bestByBic(x, kMax);
        int[] choice = new int[n];
        for (int offset = p.choices() - clusters.k(); offset >= 0; offset--) {
            for (int l = 0; l < n; l++) {
                choice[l] = offset + clusters.clusterOf()[l];
            }
            if (p.feasible(choice)) {
                return choice;
            }
        }
        return choice; // lowest window; Phase 2 lowers further
    }

    private void repairUntilFeasible(AllocationProblem p, int[] choice) {
        double violation = violation(p, choice);
        while (violation > 0) {
            int bestLayer = -1;
            int bestChoice = -1;
            double bestScore = Double.POSITIVE_INFINITY;
            double bestViolation = violation;
            for (int l = 0; l < p.size(); l++) {
                int current = choice[l];
                // one step at a time: the nearest choice below (or, where costs do not fall with bits, above)
                // that removes violation, so a large layer is not thrown far down for a small overshoot
                for (int direction : new int[] {-1, 1}) {
                    for (int j = current + direction; j >= 0 && j < p.choices(); j += direction) {
                        choice[l] = j;
                        double v = violation(p, choice);
                        choice[l] = current;
                        double removed = violation - v;
                        if (removed <= 1e-15) {
                            continue;
                        }
                        double deltaD = p.d()[l][j] - p.d()[l][current];
                        double score = options.moveRule() == SigmaQuantOptions.MoveRule.RATIO ? deltaD / removed : deltaD;
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
                return; // no move reduces the violation: the caller reports it
            }
            choice[bestLayer] = bestChoice;
            violation = bestViolation;
        }
    }

    private void raiseWhileSlack(AllocationProblem p, int[] choice) {
        while (true) {
            int bestLayer = -1;
            int bestChoice = -1;
            double bestScore = 0;
            for (int l = 0; l < p.size(); l++) {
                int current = choice[l];
                for (int j = current + 1; j < p.choices(); j++) {
                    double gain = p.d()[l][current] - p.d()[l][j];
                    if (gain <= 0) {
                        continue;
                    }
                    choice[l] = j;
                    boolean fits = p.feasible(choice);
                    choice[l] = current;
                    if (!fits) {
                        continue;
                    }
                    double added = normalisedIncrease(p, l, current, j);
                    double score = options.moveRule() == SigmaQuantOptions.MoveRule.DELTA ? gain
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
            choice[bestLayer] = bestChoice;
        }
    }

    private static double normalisedIncrease(AllocationProblem p, int l, int from, int to) {
        double added = 0;
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r)) {
                double[] c = p.cost()[r.ordinal()][l];
                added += (c[to] - c[from]) / p.budgets().limit(r);
            }
        }
        return added;
    }

    /** Σ over budgeted resources of the relative overshoot. */
    static double violation(AllocationProblem p, int[] choice) {
        double v = 0;
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r)) {
                double limit = p.budgets().limit(r);
                v += Math.max(0, p.total(r, choice) - limit) / limit;
            }
        }
        return v;
    }

    static String violations(AllocationProblem p, int[] choice) {
        StringBuilder s = new StringBuilder();
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r) && p.total(r, choice) > p.budgets().limit(r)) {
                s.append(s.length() == 0 ? "" : "; ").append(r.flag()).append(' ')
                        .append(Allocation.format(p.budgets().limit(r))).append(' ').append(r.unit())
                        .append(" (smallest achievable alone: ").append(Allocation.format(p.minimum(r)))
                        .append(' ').append(r.unit()).append(')');
            }
        }
        return s.toString() + " at " + Arrays.toString(choice);
    }
}
