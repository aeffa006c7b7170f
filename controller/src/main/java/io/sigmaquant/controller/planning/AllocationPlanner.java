package io.sigmaquant.controller.planning;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs an allocator in one of the two modes (README, allocate) and gates the result on measured accuracy.
 * <ul>
 *   <li>budgets → maximise accuracy: allocate under the budgets; with an accuracy limit, measure and refuse
 *       an allocation that loses more;</li>
 *   <li>accuracy floor → minimise a resource: bisect that resource's budget, allocating and measuring at each
 *       step, for the smallest budget whose allocation keeps the accuracy.</li>
 * </ul>
 */
public final class AllocationPlanner {
    /** Bisection steps of the minimise mode: the budget interval shrinks 2^-10. */
    static final int BISECTION_STEPS = 10;

    /** The outcome: the allocation, its measured gate (or null), and the minimise search trace. */
    public record Plan(Allocation allocation, AccuracyGate gate, List<SearchStep> search) {
    }

    /** One step of the minimise search. */
    public record SearchStep(double budget, double top1, boolean kept) {
    }

    private AllocationPlanner() {
    }

    public static Plan underBudgets(AllocationProblem p, Allocator allocator, AccuracyCheck check, Double maxDrop) {
        Allocation a = allocator.allocate(p);
        if (check == null) {
            return new Plan(a, null, List.of());
        }
        AccuracyGate gate = AccuracyGate.measure(check, a.bits(p), maxDrop);
        if (!gate.passed()) {
            throw new InfeasibleBudgetException(String.format(Locale.ROOT, "accuracy target not met: the best "
                    + "allocation under these budgets measures %.2f%% top-1, %.2f points below FP32 %.2f%% (limit "
                    + "%.2f); relax a budget or --max-accuracy-drop", gate.top1(), gate.drop(), gate.fp32Top1(),
                    maxDrop));
        }
        return new Plan(a, gate, List.of());
    }

    public static Plan minimise(AllocationProblem p, Resource target, Allocator allocator, AccuracyCheck check,
                                double maxDrop) {
        double lo = p.minimum(target);
        double hi = Math.min(p.budgets().limit(target), p.maximum(target));
        List<SearchStep> steps = new ArrayList<>();
        Allocation best = tryBudget(p, target, hi, allocator, check, maxDrop, steps);
        if (best == null) {
            throw new InfeasibleBudgetException(String.format(Locale.ROOT, "accuracy target not met even at %s %s "
                    + "%s: the allocation loses more than %.2f points of top-1", target.label(), Allocation.format(hi),
                    target.unit(), maxDrop));
        }
        Allocation atLowest = tryBudget(p, target, lo, allocator, check, maxDrop, steps);
        if (atLowest != null) {
            best = atLowest;
        } else {
            for (int i = 0; i < BISECTION_STEPS; i++) {
                double mid = (lo + hi) / 2;
                Allocation a = tryBudget(p, target, mid, allocator, check, maxDrop, steps);
                if (a != null) {
                    best = a;
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
        }
        return new Plan(best, AccuracyGate.measure(check, best.bits(p), maxDrop), steps);
    }

    /** The allocation under {@code budget} for {@code target} if it keeps the accuracy, else null. */
    private static Allocation tryBudget(AllocationProblem p, Resource target, double budget, Allocator allocator,
                                        AccuracyCheck check, double maxDrop, List<SearchStep> steps) {
        Allocation a;
        try {
            a = allocator.allocate(p.withBudgets(p.budgets().with(target, budget)));
        } catch (InfeasibleBudgetException e) {
            steps.add(new SearchStep(budget, Double.NaN, false));
            return null;
        }
        AccuracyGate gate = AccuracyGate.measure(check, a.bits(p), maxDrop);
        steps.add(new SearchStep(budget, gate.top1(), gate.passed()));
        return gate.passed() ? a : null;
    }

}
