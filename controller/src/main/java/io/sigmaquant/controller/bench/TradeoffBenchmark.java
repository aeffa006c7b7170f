package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.CpSatAllocator;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.allocation.UniformAllocator;
import io.sigmaquant.controller.planning.AccuracyCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy against packed size for uniform, SigmaQuant and exact allocations: the budget levels are the
 * packed sizes of the uniform models, so each mixed allocation competes with a uniform model of its size.
 */
public final class TradeoffBenchmark {
    private TradeoffBenchmark() {
    }

    /** @param open the problem without budgets (size costs on the packed basis) */
    public static List<TradeoffPoint> run(AllocationProblem open, AccuracyCheck check, double exactTimeLimitS) {
        List<TradeoffPoint> points = new ArrayList<>();
        SigmaQuantAllocator sigmaquant = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
        CpSatAllocator exact = new CpSatAllocator(exactTimeLimitS);
        for (int b : open.bits()) {
            if (b == 32) {
                continue;
            }
            Allocation uniform = new UniformAllocator(b).allocate(open);
            double budget = open.total(Resource.SIZE, uniform.choice());
            AllocationProblem p = open.withBudgets(Budgets.of(budget, null, null));
            Allocation sq = sigmaquant.allocate(p);
            Allocation ex = exact.allocate(p);
            double gap = ex.objective() > 0 ? 100 * (sq.objective() - ex.objective()) / ex.objective() : 0;
            points.add(new TradeoffPoint(b, budget, check.top1(uniform.bits(p)), uniform.objective(),
                    p.total(Resource.SIZE, sq.choice()), check.top1(sq.bits(p)), sq.objective(), sq.elapsedMs(),
                    p.total(Resource.SIZE, ex.choice()), check.top1(ex.bits(p)), ex.objective(), ex.status(),
                    ex.elapsedMs(), gap));
        }
        return points;
    }
}
