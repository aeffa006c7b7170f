package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default method: SigmaQuant's two phases plus what makes the answer reliable on any model.
 * <ol>
 *   <li>Starts: σ clustering and the KL Phase 2 greedy passes of the paper method
 *       ({@link SigmaQuantPaperAllocator}), every uniform allocation within budget, and the roundings of the
 *       Lagrangian relaxation (the LP relaxation over each layer's lower convex hull), repaired and raised by
 *       Phase 2.</li>
 *   <li>Pair-move local search ({@link SwapRefinement}) from the best start.</li>
 *   <li>{@link BoundedSearch}: a dynamic programme over the layers the Lagrangian bound leaves open, which
 *       finds a better allocation or, when no cap on its states was hit, proves that none exists (status
 *       OPTIMAL).</li>
 *   <li>With several budgets and no proof yet: {@link PartialRelaxation} and {@link NeighbourhoodSearch}, then
 *       the bounded search again.</li>
 *   <li>Where nothing was proven, the paper method's full answer (its pair-move search from its own start).</li>
 * </ol>
 * The answer is the best allocation within budget among all of these, so it is never worse than the paper
 * method or than any uniform allocation that meets the budgets; it carries the proven lower bound and the Σ D
 * of each start, so reports can show what each contributed.
 */
public final class SigmaQuantAllocator implements Allocator {
    public static final String NAME = "sigmaquant";

    /** Bounded searches in a row while each finds something better. */
    private static final int MAX_SEARCH_PASSES = 2;

    private final SigmaQuantPaperAllocator paper;
    private final SigmaQuantOptions options;

    public SigmaQuantAllocator(SigmaQuantOptions options) {
        this.options = options;
        this.paper = new SigmaQuantPaperAllocator(options);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        p.requireEachBudgetReachable();
        Incumbent best = new Incumbent(p);
        int[] greedy = paper.greedyPhases(p);
        best.offer("sigma-clustering", greedy);
        for (int j = 0; j < p.choices(); j++) {
            int[] uniform = new int[p.size()];
            Arrays.fill(uniform, j);
            best.offer("uniform:" + p.bits()[j], uniform);
        }
        LagrangianRelaxation.Result relaxation = new LagrangianRelaxation(p).solve();
        LagrangianHeuristic.repairedRoundings(p, relaxation, options.moveRule()).forEach(c -> best.offer("lagrangian", c));
        if (best.choice() != null) {
            ResourceTotals totals = new ResourceTotals(p, best.choice().clone());
            if (new SwapRefinement(p, totals).run() > 0) {
                best.offer("local-search", totals.choice());
            }
        }
        BoundedSearch.Result search = searchUntilNoBetter(p, relaxation, best);
        if (!search.proven() && relaxation.resources().length > 1) {
            search = searchHarder(p, relaxation, best);
        }
        if (!search.proven() && p.feasible(greedy)) {
            // not proven optimal: compare with the paper method's own answer too, so it can never be better
            new SwapRefinement(p, new ResourceTotals(p, greedy)).run();
            best.offer(SigmaQuantPaperAllocator.NAME, greedy);
        }
        if (best.choice() == null) {
            throw new InfeasibleBudgetException(search.proven() || relaxation.infeasible()
                    ? "budgets cannot all be met together; each alone is reachable: " + p.minimumsText()
                    : "no allocation found that meets every budget together (each alone is reachable: "
                            + p.minimumsText() + "); the exact method may still find one");
        }
        double bound = search.proven() ? best.objective() : Math.min(relaxation.bound(), best.objective());
        return Allocation.of(name(), p, best.choice(), search.proven() ? "OPTIMAL" : "HEURISTIC", start, bound,
                best.considered());
    }

    /**
     * Two or three budgets that the bounded search could not close: one budget kept exact with the others
     * priced ({@link PartialRelaxation}, which also finds allocations where the greedy repair finds none), then
     * large-neighbourhood moves, then the bounded search again from the better incumbent.
     */
    private BoundedSearch.Result searchHarder(AllocationProblem p, LagrangianRelaxation.Result relaxation,
                                              Incumbent best) {
        List<int[]> partial = new PartialRelaxation(p, relaxation, options.moveRule()).candidates();
        partial.forEach(c -> best.offer("partial-relaxation", c));
        if (best.choice() != null) {
            List<int[]> others = new ArrayList<>(partial);
            others.addAll(relaxation.roundings());
            int[] improved = best.choice().clone();
            if (new NeighbourhoodSearch(p, relaxation).improve(improved, others)) {
                best.offer("neighbourhood-search", improved);
            }
        }
        return searchUntilNoBetter(p, relaxation, best);
    }

    /**
     * Runs the bounded search again while it improves: each better allocation lowers the bar, which prunes more
     * of the next search (and may turn it into a proof); pair moves polish what it finds.
     */
    private static BoundedSearch.Result searchUntilNoBetter(AllocationProblem p,
                                                            LagrangianRelaxation.Result relaxation, Incumbent best) {
        BoundedSearch search = new BoundedSearch(p, relaxation);
        for (int pass = 0; ; pass++) {
            BoundedSearch.Result result = search.run(best.choice(), best.objective());
            if (result.choice() != null) {
                best.offer("bounded-search", result.choice());
            }
            if (result.choice() == null || result.proven() || pass == MAX_SEARCH_PASSES - 1) {
                return result;
            }
            ResourceTotals totals = new ResourceTotals(p, result.choice().clone());
            if (new SwapRefinement(p, totals).run() > 0) {
                best.offer("local-search", totals.choice());
            }
        }
    }

    /** The best allocation within budget offered so far, and the best Σ D offered by each origin. */
    private static final class Incumbent {
        private final AllocationProblem p;
        private final Map<String, Double> considered = new LinkedHashMap<>();
        private int[] choice;
        private double objective = Double.POSITIVE_INFINITY;

        Incumbent(AllocationProblem p) {
            this.p = p;
        }

        void offer(String origin, int[] candidate) {
            if (!p.feasible(candidate)) {
                return;
            }
            double d = p.objective(candidate);
            considered.merge(origin, d, Math::min);
            if (d < objective) {
                objective = d;
                choice = candidate.clone();
            }
        }

        int[] choice() {
            return choice;
        }

        double objective() {
            return objective;
        }

        List<Allocation.Candidate> considered() {
            return considered.entrySet().stream().map(e -> new Allocation.Candidate(e.getKey(), e.getValue())).toList();
        }
    }
}
