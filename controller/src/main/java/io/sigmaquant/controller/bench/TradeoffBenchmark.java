package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.CpSatAllocator;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.allocation.SigmaQuantPaperAllocator;
import io.sigmaquant.controller.allocation.UniformAllocator;
import io.sigmaquant.controller.planning.AccuracyCheck;
import io.sigmaquant.controller.planning.AllocationPlanner;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accuracy against packed size for uniform, the paper method, the default allocator and exact allocations:
 * the budget levels are the packed sizes of the uniform models, so each mixed allocation competes with a
 * uniform model of its size. Then the size at equal accuracy: the smallest model within a point of FP32.
 */
public final class TradeoffBenchmark {
    /** The accuracy the size-at-equal-accuracy comparison keeps: within this many points of FP32. */
    public static final double EQUAL_ACCURACY_DROP = 1.0;

    /** Uniform, the paper method, the default allocator and exact: the allocations made at every level. */
    private static final int METHODS = 4;

    /** Every level, and the size at equal accuracy. */
    public record Result(List<TradeoffPoint> points, EqualAccuracy equalAccuracy) {
    }

    private TradeoffBenchmark() {
    }

    /**
     * @param open     the problem without budgets (size costs on the packed basis)
     * @param reporter told of one step per (method, level) allocated and measured, and one for the search for the
     *                 size at equal accuracy
     * @param task     what the progress calls the work ("tradeoff resnet18.onnx")
     */
    public static Result run(AllocationProblem open, AccuracyCheck check, double exactTimeLimitS,
                             ProgressReporter reporter, String task) {
        long levels = Arrays.stream(open.bits()).filter(b -> b != 32).count();
        try (Progress progress = reporter.start(task, levels * METHODS + 1)) {
            return run(open, check, exactTimeLimitS, progress);
        }
    }

    private static Result run(AllocationProblem open, AccuracyCheck check, double exactTimeLimitS, Progress progress) {
        Allocator paper = new SigmaQuantPaperAllocator(SigmaQuantOptions.defaults());
        Allocator sigmaquant = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
        Allocator exact = CpSatAllocator.reference(exactTimeLimitS);
        List<TradeoffPoint> points = new ArrayList<>();
        Integer uniformBits = null;
        Double uniformBytes = null;
        Double uniformTop1 = null;
        double floor = check.fp32Top1() - EQUAL_ACCURACY_DROP;
        for (int b : open.bits()) {
            if (b == 32) {
                continue;
            }
            Allocation u = new UniformAllocator(b).allocate(open);
            double budget = open.total(Resource.SIZE, u.choice());
            AllocationProblem p = open.withBudgets(Budgets.of(budget, null, null));
            TradeoffPoint point = new TradeoffPoint(b, budget, counted(progress, measure(p, u, check)),
                    counted(progress, measure(p, paper, check)), counted(progress, measure(p, sigmaquant, check)),
                    counted(progress, measure(p, exact, check)));
            points.add(point);
            if (uniformBits == null && point.uniform().top1() >= floor) {
                uniformBits = b;
                uniformBytes = budget;
                uniformTop1 = point.uniform().top1();
            }
        }
        Allocation smallest;
        try {
            smallest = AllocationPlanner.minimise(open, Resource.SIZE, sigmaquant, check, EQUAL_ACCURACY_DROP)
                    .allocation();
        } catch (InfeasibleBudgetException e) {
            smallest = null; // no allocation keeps the accuracy, even the largest
        }
        progress.advance(1);
        EqualAccuracy equal = new EqualAccuracy(check.fp32Top1(), EQUAL_ACCURACY_DROP, uniformBits, uniformBytes,
                uniformTop1, smallest == null ? null : open.total(Resource.SIZE, smallest.choice()),
                smallest == null ? Double.NaN : check.top1(smallest.bits(open)));
        return new Result(points, equal);
    }

    private static TradeoffPoint.Measured measure(AllocationProblem p, Allocation a, AccuracyCheck check) {
        return new TradeoffPoint.Measured(p.total(Resource.SIZE, a.choice()), check.top1(a.bits(p)), a.objective(),
                a.elapsedMs(), a.status());
    }

    /** A method's allocation at a level, or a row of NaN with why when it has none (a greedy stuck, a time-out). */
    private static TradeoffPoint.Measured measure(AllocationProblem p, Allocator method, AccuracyCheck check) {
        try {
            return measure(p, method.allocate(p), check);
        } catch (InfeasibleBudgetException | IllegalStateException e) {
            return new TradeoffPoint.Measured(Double.NaN, Double.NaN, Double.NaN, Double.NaN, "NONE: " + e.getMessage());
        }
    }

    /** One (method, level) measured: a step of the progress. */
    private static TradeoffPoint.Measured counted(Progress progress, TradeoffPoint.Measured m) {
        progress.advance(1);
        return m;
    }
}
