package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * For two or three budgets that pull against each other (size wants few bits, latency wants float where
 * weight-only formats are slow), the LP relaxation leaves several layers fractional and its rounding can be far
 * from the optimum. This keeps one budget exact and prices the others: it solves the single-budget problem
 * min Σ (D + s·μ·c_other) under that budget (Lagrangian bound and {@link BoundedSearch}, where one resource
 * gives exact dominance), with μ the LP multipliers of the other budgets, and bisects the price factor s for the
 * smallest one at which the other budgets are met too. Every allocation met on the way that fits every budget
 * is a candidate.
 */
final class PartialRelaxation {
    /** Bisection steps on the price factor: its interval shrinks 2^-12. */
    private static final int STEPS = 12;
    /** Times the price may grow fourfold before this budget gives up leading: 4^16 ≈ 4e9 times μ. */
    private static final int MAX_GROWTH = 16;

    private final AllocationProblem p;
    private final LagrangianRelaxation.Result relaxation;
    private final SigmaQuantOptions.MoveRule rule;

    PartialRelaxation(AllocationProblem p, LagrangianRelaxation.Result relaxation, SigmaQuantOptions.MoveRule rule) {
        this.p = p;
        this.relaxation = relaxation;
        this.rule = rule;
    }

    /** Allocations within every budget, one search per budget kept exact. */
    List<int[]> candidates() {
        List<int[]> found = new ArrayList<>();
        int[] res = relaxation.resources();
        for (int kept = 0; kept < res.length; kept++) {
            // grow the price until the priced budgets are met too (else this budget cannot lead)
            double hi = 1;
            boolean met = solve(kept, hi, found) != null;
            for (int grown = 0; !met && grown < MAX_GROWTH; grown++) {
                hi *= 4;
                met = solve(kept, hi, found) != null;
            }
            if (!met) {
                continue;
            }
            double lo = 0;
            for (int step = 0; step < STEPS; step++) {
                double mid = (lo + hi) / 2;
                if (solve(kept, mid, found) != null) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
        }
        return found;
    }

    /** Solves with budget {@code kept} exact and the others priced at {@code factor}·μ; adds a fitting result. */
    private int[] solve(int kept, double factor, List<int[]> found) {
        int[] res = relaxation.resources();
        double[] prices = new double[res.length];
        for (int k = 0; k < res.length; k++) {
            prices[k] = k == kept ? 0 : factor * price(k);
        }
        double[][] priced = new double[p.size()][p.choices()];
        for (int l = 0; l < p.size(); l++) {
            for (int j = 0; j < p.choices(); j++) {
                priced[l][j] = p.d()[l][j];
                for (int k = 0; k < res.length; k++) {
                    priced[l][j] += prices[k] * p.cost()[res[k]][l][j];
                }
            }
        }
        Resource r = Resource.values()[res[kept]];
        Map<Resource, Double> one = new EnumMap<>(Resource.class);
        one.put(r, p.budgets().limit(r));
        AllocationProblem single = new AllocationProblem(p.layers(), p.bits(), priced, p.cost(), p.remainder(),
                p.sigma(), new Budgets(one));
        int[] choice = LagrangianHeuristic.solve(single, rule);
        if (choice != null && p.feasible(choice)) {
            found.add(choice);
            return choice;
        }
        return null;
    }

    /** μ of budget k, or the largest D per unit of that resource's range where the LP left it unpriced. */
    private double price(int k) {
        double mu = relaxation.lambda()[k];
        if (mu > 0) {
            return mu;
        }
        Resource r = Resource.values()[relaxation.resources()[k]];
        double range = Math.max(p.maximum(r) - p.minimum(r), 1e-300);
        double maxD = 0;
        for (double[] row : p.d()) {
            for (double v : row) {
                maxD = Math.max(maxD, v);
            }
        }
        return maxD / range;
    }
}
