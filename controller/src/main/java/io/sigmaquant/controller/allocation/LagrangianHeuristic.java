package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Lagrangian relaxation into allocations: its roundings repaired and raised by Phase 2; and the quick
 * solve used inside the searches that build derived problems (those roundings, then one bounded search).
 */
final class LagrangianHeuristic {
    private LagrangianHeuristic() {
    }

    /** The relaxation's roundings that Phase 2 brings within every budget, raised while slack remains. */
    static List<int[]> repairedRoundings(AllocationProblem p, LagrangianRelaxation.Result lr,
                                         SigmaQuantOptions.MoveRule rule) {
        List<int[]> feasible = new ArrayList<>();
        for (int[] rounding : lr.roundings()) {
            ResourceTotals totals = new ResourceTotals(p, rounding.clone());
            PhaseTwo phaseTwo = new PhaseTwo(p, totals, rule);
            phaseTwo.repair();
            if (totals.feasible()) {
                phaseTwo.raise();
                feasible.add(totals.choice());
            }
        }
        return feasible;
    }

    /** The best allocation within budget it finds, or null. */
    static int[] solve(AllocationProblem p, SigmaQuantOptions.MoveRule rule) {
        LagrangianRelaxation.Result lr = new LagrangianRelaxation(p).solve();
        if (lr.infeasible()) {
            return null;
        }
        int[] best = null;
        for (int[] c : repairedRoundings(p, lr, rule)) {
            if (best == null || p.objective(c) < p.objective(best)) {
                best = c;
            }
        }
        BoundedSearch.Result better = new BoundedSearch(p, lr).run(best,
                best == null ? Double.POSITIVE_INFINITY : p.objective(best));
        return better.choice() != null ? better.choice() : best;
    }
}
