package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.UniformAllocator;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the default allocator, the paper method and the exact CP-SAT reference on corpus problems and
 * summarises the optimality gaps and times per family.
 */
public final class CorpusBenchmark {
    private CorpusBenchmark() {
    }

    /**
     * One problem's outcome. Objectives are NaN where a method found nothing; gaps are relative to the exact
     * optimum ((Σ D − optimum) / optimum; 0 when both are 0).
     *
     * @param exactFeasible   whether CP-SAT found an allocation (false: it proved the budgets infeasible)
     * @param agreed          whether the default allocator agreed with CP-SAT on feasibility
     * @param equalsUniform   whether the default's allocation has the Σ D of the best uniform one within budget
     */
    public record Outcome(String family, long seed, int layers, int budgets, boolean exactFeasible, boolean agreed,
                          String exactStatus, String sigmaquantStatus, double exact, double sigmaquant, double paper,
                          double sigmaquantMs, double paperMs, double exactMs, boolean equalsUniform) {
        public double gap() {
            return gap(sigmaquant);
        }

        public double paperGap() {
            return gap(paper);
        }

        private double gap(double v) {
            if (Double.isNaN(v)) {
                return Double.POSITIVE_INFINITY;
            }
            if (exact <= 0) {
                return v <= 1e-12 ? 0 : Double.POSITIVE_INFINITY;
            }
            return (v - exact) / exact;
        }
    }

    /**
     * Per-family statistics (gaps in %, times in ms).
     *
     * @param feasible       problems where CP-SAT found an allocation
     * @param exactProven    of those, how many it proved optimal within its time limit
     * @param sigmaquantProven how many the default proved optimal itself (status OPTIMAL)
     */
    public record Summary(String family, int problems, int feasible, int exactProven, int sigmaquantProven,
                          int agreed, double gapMedian, double gapP99,
                          double gapMax, double withinOnePercent, double paperGapMedian, double paperWithinOnePercent,
                          double sigmaquantMedianMs, double sigmaquantMaxMs, double exactMedianMs,
                          double equalsUniform) {
    }

    public static Outcome run(ProblemCorpus.Entry e, Allocator sigmaquant, Allocator paper, Allocator exact) {
        AllocationProblem p = e.problem();
        Allocation ex = tryAllocate(exact, p);
        Allocation sq = tryAllocate(sigmaquant, p);
        Allocation pa = tryAllocate(paper, p);
        double bestUniform = bestUniform(p);
        boolean agreed = (ex == null) == (sq == null);
        boolean equalsUniform = sq != null && !Double.isNaN(bestUniform)
                && Math.abs(sq.objective() - bestUniform) <= 1e-9 * Math.max(bestUniform, 1e-300);
        return new Outcome(e.family(), e.seed(), p.size(), p.budgets().limits().size(), ex != null, agreed,
                ex == null ? "INFEASIBLE" : ex.status(), sq == null ? "INFEASIBLE" : sq.status(), value(ex), value(sq),
                value(pa), ms(sq), ms(pa), ms(ex), equalsUniform);
    }

    public static Summary summarise(String family, List<Outcome> outcomes) {
        List<Outcome> solved = outcomes.stream().filter(Outcome::exactFeasible).toList();
        double[] gaps = solved.stream().mapToDouble(o -> 100 * o.gap()).sorted().toArray();
        double[] paperGaps = solved.stream().mapToDouble(o -> 100 * o.paperGap()).sorted().toArray();
        double[] sqMs = outcomes.stream().mapToDouble(Outcome::sigmaquantMs).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        double[] exMs = outcomes.stream().mapToDouble(Outcome::exactMs).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        return new Summary(family, outcomes.size(), solved.size(),
                (int) solved.stream().filter(o -> o.exactStatus().equals("OPTIMAL")).count(),
                (int) outcomes.stream().filter(o -> o.sigmaquantStatus().equals("OPTIMAL")).count(),
                (int) outcomes.stream().filter(Outcome::agreed).count(), quantile(gaps, 0.5), quantile(gaps, 0.99), quantile(gaps, 1), share(gaps, 1),
                quantile(paperGaps, 0.5), share(paperGaps, 1), quantile(sqMs, 0.5), quantile(sqMs, 1),
                quantile(exMs, 0.5), solved.isEmpty() ? Double.NaN
                        : (double) solved.stream().filter(Outcome::equalsUniform).count() / solved.size());
    }

    /** The q-quantile of sorted values (nearest rank); NaN when empty. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double share(double[] gapsPercent, double limit) {
        return gapsPercent.length == 0 ? Double.NaN
                : (double) Arrays.stream(gapsPercent).filter(g -> g <= limit).count() / gapsPercent.length;
    }

    /** Σ D of the best uniform allocation within budget, NaN when none fits. */
    public static double bestUniform(AllocationProblem p) {
        double best = Double.NaN;
        for (int b : p.bits()) {
            Allocation u = tryAllocate(new UniformAllocator(b), p);
            if (u != null && (Double.isNaN(best) || u.objective() < best)) {
                best = u.objective();
            }
        }
        return best;
    }

    private static Allocation tryAllocate(Allocator a, AllocationProblem p) {
        try {
            return a.allocate(p);
        } catch (InfeasibleBudgetException e) {
            return null;
        }
    }

    private static double value(Allocation a) {
        return a == null ? Double.NaN : a.objective();
    }

    private static double ms(Allocation a) {
        return a == null ? Double.NaN : a.elapsedMs();
    }
}
