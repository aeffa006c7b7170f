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
 * (ms, mJ) and D are scaled to integers, costs rounding up and budgets down, so an allocation CP-SAT accepts
 * always meets the real budgets.
 */
public final class CpSatAllocator implements Allocator {
    /** Integer range the scaled totals are spread over; far inside a long, fine enough to be exact in practice. */
    private static final double SCALE_RANGE = 1e9;
    private static volatile boolean loaded;

    private final double timeLimitSeconds;

    public CpSatAllocator(double timeLimitSeconds) {
        this.timeLimitSeconds = timeLimitSeconds;
    }

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        p.requireEachBudgetReachable();
        loadNatives();
        int n = p.size();
        int m = p.choices();
        CpModel model = new CpModel();
        BoolVar[][] x = new BoolVar[n][m];
        BoolVar[] all = new BoolVar[n * m];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                x[l][j] = model.newBoolVar("x_" + l + "_" + j);
                all[l * m + j] = x[l][j];
            }
            model.addExactlyOne(x[l]);
        }
        for (Resource r : Resource.values()) {
            if (!p.budgets().has(r)) {
                continue;
            }
            double scale = integral(p.cost()[r.ordinal()]) ? 1 : scale(p.cost()[r.ordinal()]);
            long[] coef = new long[n * m];
            for (int l = 0; l < n; l++) {
                for (int j = 0; j < m; j++) {
                    coef[l * m + j] = (long) Math.ceil(p.cost()[r.ordinal()][l][j] * scale);
                }
            }
            long capacity = (long) Math.floor((p.budgets().limit(r) - p.remainder()[r.ordinal()]) * scale);
            model.addLessOrEqual(LinearExpr.weightedSum(all, coef), capacity);
        }
        double dScale = scale(p.d());
        long[] objective = new long[n * m];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                objective[l * m + j] = Math.round(Math.max(0, p.d()[l][j]) * dScale);
            }
        }
        model.minimize(LinearExpr.weightedSum(all, objective));

        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(timeLimitSeconds)
                .setNumWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        CpSolverStatus status = solver.solve(model);
        if (status == CpSolverStatus.INFEASIBLE) {
            throw new InfeasibleBudgetException("budgets cannot all be met together (CP-SAT proved it); each alone "
                    + "is reachable: " + minimums(p));
        }
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            throw new IllegalStateException("CP-SAT found no allocation within " + timeLimitSeconds + " s: " + status);
        }
        int[] choice = new int[n];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                if (solver.booleanValue(x[l][j])) {
                    choice[l] = j;
                }
            }
        }
        return Allocation.of(name(), p, choice, status.name(), start);
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
                max = Math.max(max, v);
            }
            total += max;
        }
        return SCALE_RANGE / Math.max(total, 1e-30);
    }

    private static String minimums(AllocationProblem p) {
        StringBuilder s = new StringBuilder();
        for (Resource r : Resource.values()) {
            if (p.budgets().has(r)) {
                s.append(s.length() == 0 ? "" : ", ").append(r.label()).append(" ≥ ")
                        .append(Allocation.format(p.minimum(r))).append(' ').append(r.unit());
            }
        }
        return s.toString();
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
