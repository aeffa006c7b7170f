package io.sigmaquant.controller.allocation;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;

/**
 * The exact reference: the same objective (min Σ D_l(b_l) under every budget) as a multiple-choice
 * knapsack solved by OR-Tools CP-SAT. Whole-number costs (bytes) are used as they are; fractional ones
 * (ms, mJ) are scaled to integers rounding down, so CP-SAT accepts every allocation the real budgets accept and
 * its optimum is a true one once its allocation is checked against the real budgets.
 *
 * <p>It first runs the default allocator. That allocation's Σ D = UB sets the objective's integer scale
 * (resolution relative to what matters, not to the worst allocation), removes every choice with D above UB,
 * which no better allocation can use, and is CP-SAT's starting hint. The {@code exact} method also tells
 * CP-SAT the default's proven lower bound (its own Σ D where it proved optimality, so CP-SAT then confirms
 * it); {@link #reference} leaves the bound out, so that a mistake in it could not make the benchmark's
 * optimum agree with the heuristic it judges: a hint only tells CP-SAT where to start. Either way the answer
 * is never worse than the default's, and its time includes the default's run.
 */
public final class CpSatAllocator implements Allocator {
    /** Integer range of the scaled costs and of the scaled UB: far inside a long, and exact in practice. */
    private static final double SCALE_RANGE = 1e12;
    private static volatile boolean loaded;

    private final double timeLimitSeconds;
    private final boolean bounded;
    private final SigmaQuantAllocator heuristic = new SigmaQuantAllocator(SigmaQuantOptions.defaults());

    public CpSatAllocator(double timeLimitSeconds) {
        this(timeLimitSeconds, true);
    }

    private CpSatAllocator(double timeLimitSeconds, boolean bounded) {
        this.timeLimitSeconds = timeLimitSeconds;
        this.bounded = bounded;
    }

    /** CP-SAT without the heuristic's lower bound: the benchmark's independent reference. */
    public static CpSatAllocator reference(double timeLimitSeconds) {
        return new CpSatAllocator(timeLimitSeconds, false);
    }

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        p.requireEachBudgetReachable();
        Allocation known = knownAllocation(p);
        Allocation a = allocate(p, known, false, start);
        // without a known allocation to fall back on, an answer that fits only in the rounded model is solved
        // again with costs rounded up: what that accepts meets the real budgets (optimality is not claimed then)
        return a != null ? a : allocate(p, null, true, start);
    }

    private Allocation allocate(AllocationProblem p, Allocation known, boolean roundUp, long start) {
        if (known != null && known.objective() <= 0) {
            return Allocation.of(name(), p, known.choice(), "OPTIMAL", start, 0, known.considered());
        }
        loadNatives();
        int n = p.size();
        int m = p.choices();
        CpModel model = new CpModel();
        BoolVar[][] x = new BoolVar[n][m];
        BoolVar[] all = new BoolVar[n * m];
        // D ≥ 0 (AllocationProblem checks it): a choice whose D alone exceeds a known Σ D is never part of a better one
        double upper = known == null ? Double.POSITIVE_INFINITY : known.objective() * (1 + 1e-9);
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                x[l][j] = model.newBoolVar("x_" + l + "_" + j);
                all[l * m + j] = x[l][j];
                if (p.d()[l][j] > upper) {
                    model.addEquality(x[l][j], 0); // alone it already loses to the known allocation
                }
            }
            model.addExactlyOne(x[l]);
        }
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r)) {
                addBudget(model, all, p, r, roundUp);
            }
        }
        double dScale = Double.isInfinite(upper) ? scale(p.d()) : SCALE_RANGE / upper;
        long[] objective = new long[n * m];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                objective[l * m + j] = Math.round(Math.min(p.d()[l][j], upper) * dScale);
            }
        }
        LinearExpr sum = LinearExpr.weightedSum(all, objective);
        model.minimize(sum);
        if (known != null) {
            for (int l = 0; l < n; l++) {
                for (int j = 0; j < m; j++) {
                    model.addHint(x[l][j], known.choice()[l] == j ? 1 : 0);
                }
            }
            if (bounded && !Double.isNaN(known.lowerBound())) {
                // valid for every allocation within budget; rounding of the n terms may lose up to n/2 units
                model.addGreaterOrEqual(sum, (long) Math.floor(known.lowerBound() * dScale) - n);
            }
        }
        return solve(model, x, p, known, roundUp, start);
    }

    private Allocation knownAllocation(AllocationProblem p) {
        try {
            return heuristic.allocate(p);
        } catch (InfeasibleBudgetException e) {
            return null; // CP-SAT decides on its own
        }
    }

    /**
     * Solves and checks: the integer model accepts what the real budgets accept (costs round down), so its
     * optimum is a true one whenever its allocation meets the real budgets; one that passes only through the
     * rounding is replaced by the known allocation (nothing is claimed proven then), or null without one.
     */
    private Allocation solve(CpModel model, BoolVar[][] x, AllocationProblem p, Allocation known, boolean roundUp,
                             long start) {
        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(timeLimitSeconds)
                .setNumWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        CpSolverStatus status = solver.solve(model);
        if (status == CpSolverStatus.INFEASIBLE) {
            throw new InfeasibleBudgetException("budgets cannot all be met together (CP-SAT proved it); each alone "
                    + "is reachable: " + p.minimumsText());
        }
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            throw new IllegalStateException("CP-SAT found no allocation within " + timeLimitSeconds + " s: " + status);
        }
        int[] choice = new int[p.size()];
        for (int l = 0; l < p.size(); l++) {
            for (int j = 0; j < p.choices(); j++) {
                if (solver.booleanValue(x[l][j])) {
                    choice[l] = j;
                }
            }
        }
        boolean meets = p.feasible(choice);
        if (known != null && (!meets || known.objective() < p.objective(choice))) {
            // the known allocation is better, or CP-SAT's fits only in the rounded model
            return Allocation.of(name(), p, known.choice(), meets ? status.name() : "FEASIBLE", start);
        }
        if (!meets) {
            return null;
        }
        return Allocation.of(name(), p, choice, roundUp ? "FEASIBLE" : status.name(), start);
    }

    /**
     * One budget as an integer constraint that accepts every allocation the real budget accepts (with its
     * tolerance): whole-number costs (bytes) as they are; fractional ones scaled and rounded down (or, with
     * {@code roundUp}, up: then everything it accepts meets the real budget).
     */
    private static void addBudget(CpModel model, BoolVar[] all, AllocationProblem p, Resource r, boolean roundUp) {
        int n = p.size();
        int m = p.choices();
        double[][] cost = p.cost()[r.ordinal()];
        double scale = integral(cost) ? 1 : scale(cost);
        long[] coef = new long[n * m];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                coef[l * m + j] = (long) (roundUp ? Math.ceil(cost[l][j] * scale) : Math.floor(cost[l][j] * scale));
            }
        }
        long capacity = (long) Math.floor(p.capacity(r) * scale);
        model.addLessOrEqual(LinearExpr.weightedSum(all, coef), capacity);
    }

    /** Byte counts are whole numbers: then no scaling is needed and the budget boundary is exact. */
    private static boolean integral(double[][] values) {
        double total = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (v != Math.rint(v)) {
                    return false;
                }
                total += Math.abs(v);
            }
        }
        return total < 1e15;
    }

    private static double scale(double[][] values) {
        double total = 0;
        for (double[] row : values) {
            double max = 0;
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
            total += max;
        }
        return SCALE_RANGE / Math.max(total, 1e-30);
    }

    private static void loadNatives() {
        if (!loaded) {
            synchronized (CpSatAllocator.class) {
                if (!loaded) {
                    Loader.loadNativeLibraries();
                    loaded = true;
                }
            }
        }
    }
}
