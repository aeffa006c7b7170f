package io.sigmaquant.controller.allocation;

import java.util.function.Function;

/**
 * The SigmaQuant method as the paper describes it and this project reconstructs it (docs/ALLOCATION.md), kept
 * reproducible as {@code --method sigmaquant-paper}; the default {@link SigmaQuantAllocator} starts from its
 * answer and adds what makes it reliable.
 * <ol>
 *   <li>Phase 1: exact 1-D k-means over (log) σ; clusters ordered by centroid take a window of k consecutive
 *       allowed bitwidths, larger σ → more bits; the window sits as high as the budgets allow.</li>
 *   <li>Phase 2 ({@link PhaseTwo}): repair moves until every budget is met, raise moves while slack remains,
 *       then pairs of moves ({@link SwapRefinement}) that lower Σ D within budget.</li>
 * </ol>
 * Its weak spot, and the reason it is not the default: Phase 1 trusts σ. A large layer with the smallest σ but
 * the highest sensitivity lands at the lowest bitwidth, and no single move or pair of moves brings it back.
 */
public final class SigmaQuantPaperAllocator implements Allocator {
    public static final String NAME = "sigmaquant-paper";

    private final SigmaQuantOptions options;

    public SigmaQuantPaperAllocator(SigmaQuantOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        p.requireEachBudgetReachable();
        int[] choice = phases(p);
        if (!p.feasible(choice)) {
            throw new InfeasibleBudgetException(names -> "budgets cannot all be met together: its Phase 2 stopped with "
                    + violations(p, choice, names) + "; each alone is reachable: " + p.minimumsText());
        }
        return Allocation.of(name(), p, choice, "HEURISTIC", start);
    }

    /** Phases 1 and 2; the result may still break a budget where the greedy repair found no way out. */
    int[] phases(AllocationProblem p) {
        int[] choice = greedyPhases(p);
        if (p.feasible(choice)) {
            new SwapRefinement(p, new ResourceTotals(p, choice)).run();
        }
        return choice;
    }

    /** Phase 1, then Phase 2's repair and, once within budget, its raise; without the pair-move search. */
    int[] greedyPhases(AllocationProblem p) {
        ResourceTotals totals = new ResourceTotals(p, phase1(p));
        PhaseTwo phaseTwo = new PhaseTwo(p, totals, options.moveRule());
        phaseTwo.repair();
        if (totals.feasible()) {
            phaseTwo.raise();
        }
        return totals.choice();
    }

    /** Phase 1 on its own: σ clusters mapped to a window of bitwidths placed as high as the budgets allow. */
    int[] phase1(AllocationProblem p) {
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

    /** Each budget {@code choice} breaks, named by {@code names}, with the smallest value it can reach alone. */
    static String violations(AllocationProblem p, int[] choice, Function<Resource, String> names) {
        StringBuilder s = new StringBuilder();
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r) && p.total(r, choice) > p.budgets().limit(r)) {
                s.append(s.length() == 0 ? "" : "; ").append(names.apply(r)).append(' ')
                        .append(Allocation.format(p.budgets().limit(r))).append(' ').append(r.unit())
                        .append(" (smallest achievable alone: ").append(Allocation.format(p.minimum(r)))
                        .append(' ').append(r.unit()).append(')');
            }
        }
        return s.toString();
    }
}
