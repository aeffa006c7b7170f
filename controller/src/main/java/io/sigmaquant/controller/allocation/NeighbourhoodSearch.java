package io.sigmaquant.controller.allocation;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Large-neighbourhood search for problems the bounded search could not close (budgets that pull against each
 * other leave many layers open): free a dozen layers, keep the rest as they are, and solve the small problem
 * over the freed layers exactly with the same Lagrangian bound and {@link BoundedSearch}; keep any improvement.
 * Layers are freed where a better allocation is most likely to differ: where the known candidates disagree
 * and where the Lagrangian leaves a near-tie between choices, plus a few at random. Seeded by the problem, so
 * the same problem always gives the same answer.
 */
final class NeighbourhoodSearch {
    /** Neighbourhoods tried; with a dozen layers freed each solves in well under a millisecond. */
    private static final int ROUNDS = 48;
    /** Layers freed at once: small enough that the bounded search over them is exact in practice. */
    private static final int FREED = 12;
    /** Drop-and-refill tries the layers with the widest cost range, this many. */
    private static final int REFILLED_LAYERS = 8;

    private final AllocationProblem p;
    private final double[] ambiguity;
    /** Per layer, the range of its costs relative to each budget, summed: the layers that move budgets most. */
    private final double[] spread;

    /** @param relaxation multipliers whose reduced costs rank how undecided each layer is */
    NeighbourhoodSearch(AllocationProblem p, LagrangianRelaxation.Result relaxation) {
        this.p = p;
        this.ambiguity = secondBestReducedCost(p, relaxation);
        this.spread = new double[p.size()];
        for (int l = 0; l < p.size(); l++) {
            spread[l] = p.costSpread(l);
        }
    }

    /**
     * @param start     an allocation within every budget, improved in place
     * @param others    other candidates (any budget state): layers where they differ from start are freed first
     * @return whether it improved
     */
    boolean improve(int[] start, List<int[]> others) {
        Random random = new Random(Arrays.hashCode(start) * 31L + p.size());
        double before = p.objective(start);
        while (dropAndRefill(start)) {
            // each pass starts from the improved allocation
        }
        Integer[] byAmbiguity = new Integer[p.size()];
        for (int l = 0; l < p.size(); l++) {
            byAmbiguity[l] = l;
        }
        Arrays.sort(byAmbiguity, (a, b) -> Double.compare(ambiguity[a], ambiguity[b]));
        for (int round = 0; round < ROUNDS; round++) {
            boolean[] free = new boolean[p.size()];
            int count = 0;
            if (!others.isEmpty()) {
                int[] other = others.get(round % others.size());
                for (int l = 0; l < p.size() && count < FREED / 2; l++) {
                    int layer = (l + random.nextInt(p.size())) % p.size();
                    if (other[layer] != start[layer] && !free[layer]) {
                        free[layer] = true;
                        count++;
                    }
                }
            }
            // the most undecided layers, taken with a random skip so that rounds differ
            for (int i = 0; i < p.size() && count < FREED - 2; i++) {
                int layer = byAmbiguity[i];
                if (!free[layer] && random.nextInt(3) > 0) {
                    free[layer] = true;
                    count++;
                }
            }
            while (count < Math.min(FREED, p.size())) {
                int layer = random.nextInt(p.size());
                if (!free[layer]) {
                    free[layer] = true;
                    count++;
                }
            }
            solveFreed(start, free);
        }
        return p.objective(start) < before;
    }

    /**
     * The move a small neighbourhood cannot make: one of the largest layers gives up bits (or float), and the
     * budget it frees is spent again by Phase 2 on every other layer that gains from it. Tried for the layers
     * with the widest cost range and every other choice; the first improvement is kept.
     */
    private boolean dropAndRefill(int[] x) {
        double current = p.objective(x);
        Integer[] bySpread = new Integer[p.size()];
        for (int l = 0; l < p.size(); l++) {
            bySpread[l] = l;
        }
        Arrays.sort(bySpread, (a, b) -> Double.compare(spread[b], spread[a]));
        for (int i = 0; i < Math.min(REFILLED_LAYERS, p.size()); i++) {
            int l = bySpread[i];
            for (int j = 0; j < p.choices(); j++) {
                if (j == x[l]) {
                    continue;
                }
                int[] trial = x.clone();
                ResourceTotals totals = new ResourceTotals(p, trial);
                totals.apply(l, j);
                PhaseTwo phaseTwo = new PhaseTwo(p, totals, SigmaQuantOptions.MoveRule.RATIO);
                phaseTwo.repair();
                if (!totals.feasible()) {
                    continue;
                }
                phaseTwo.raise();
                new SwapRefinement(p, totals).run();
                if (p.objective(trial) < current * (1 - 1e-12)) {
                    System.arraycopy(trial, 0, x, 0, x.length);
                    return true;
                }
            }
        }
        return false;
    }

    /** Solves the problem over the freed layers with the others fixed; applies a better answer to {@code x}. */
    private void solveFreed(int[] x, boolean[] free) {
        SubProblem sub = new SubProblem(p, x, free);
        AllocationProblem small = sub.problem();
        int[] current = sub.restrict(x);
        if (small.size() == 0 || !small.feasible(current)) {
            return;
        }
        LagrangianRelaxation.Result lr = new LagrangianRelaxation(small).solve();
        BoundedSearch.Result better = new BoundedSearch(small, lr).run(current, small.objective(current));
        if (better.choice() != null && small.objective(better.choice()) < small.objective(current)) {
            System.arraycopy(sub.expand(x, better.choice()), 0, x, 0, x.length);
        }
    }

    /** Per layer, the reduced cost of its second-best choice: near 0 means the relaxation barely decides it. */
    private static double[] secondBestReducedCost(AllocationProblem p, LagrangianRelaxation.Result relaxation) {
        double[] result = new double[p.size()];
        for (int l = 0; l < p.size(); l++) {
            double best = Double.POSITIVE_INFINITY;
            double second = Double.POSITIVE_INFINITY;
            for (int j = 0; j < p.choices(); j++) {
                double v = relaxation.priced(p, l, j);
                if (v < best) {
                    second = best;
                    best = v;
                } else if (v < second) {
                    second = v;
                }
            }
            result[l] = second - best;
        }
        return result;
    }
}
