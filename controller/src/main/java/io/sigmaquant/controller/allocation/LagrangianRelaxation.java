package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Lagrangian relaxation of the allocation problem (a multiple-choice knapsack) over its budgeted
 * resources:
 * <pre>
 *   L(λ) = Σ_l min_j [ D_lj + Σ_r λ_r c_rlj ] − Σ_r λ_r C_r,   C_r = budget_r − remainder_r,  λ ≥ 0,
 * </pre>
 * is a lower bound on Σ D of every allocation that meets the budgets, for any λ. With one budget its maximum
 * is the LP relaxation, found exactly by walking every layer's lower convex hull of (cost, D) in order of
 * slope; the walk stops at the one segment that does not fit, and the segments taken before it are the LP
 * rounding. With two or three budgets: rounds of exact line searches by the same walk, along each multiplier
 * along the projected subgradient and along the round's net move (directions that move several at once; coordinate
 * steps alone zigzag along a ridge). Each line search gives an integer candidate, which the caller repairs where it breaks a budget.
 */
final class LagrangianRelaxation {
    /** Rounds of line searches (each coordinate, then the subgradient); most problems settle in a few. */
    private static final int ROUNDS = 30;

    /**
     * @param resources the budgeted resources, as ordinals
     * @param lambda    the best multipliers found, one per budgeted resource (D per unit of that resource)
     * @param bound      L(lambda): no allocation within budget has a smaller Σ D (+∞ when infeasible)
     * @param infeasible whether L was shown unbounded: no allocation meets the budgets together
     * @param roundings  integer candidates met on the way (may break budgets)
     */
    record Result(int[] resources, double[] lambda, double bound, boolean infeasible, List<int[]> roundings) {
        /** D_lj + Σ_k λ_k c_klj: what the relaxation charges layer l for choice j. */
        double priced(AllocationProblem p, int l, int j) {
            double v = p.d()[l][j];
            for (int k = 0; k < resources.length; k++) {
                v += lambda[k] * p.cost()[resources[k]][l][j];
            }
            return v;
        }
    }

    private final AllocationProblem p;
    private final int[] resources;
    private final double[] capacity;
    /** Per budgeted resource, a size of its values that is never 0: its capacity or the range its costs span. */
    private final double[] scale;

    LagrangianRelaxation(AllocationProblem p) {
        this.p = p;
        this.resources = Arrays.stream(Resource.values()).filter(r -> p.budgets().has(r)).mapToInt(Enum::ordinal)
                .toArray();
        this.capacity = new double[resources.length];
        this.scale = new double[resources.length];
        for (int k = 0; k < resources.length; k++) {
            Resource r = Resource.values()[resources[k]];
            capacity[k] = p.capacity(r);
            scale[k] = Math.max(Math.max(Math.abs(capacity[k]), p.maximum(r) - p.minimum(r)), 1e-300);
        }
    }

    Result solve() {
        List<int[]> roundings = new ArrayList<>();
        double[] lambda = new double[resources.length];
        double best = value(lambda);
        if (resources.length == 0) {
            return new Result(resources, lambda, best, false, List.of(argmin(lambda)));
        }
        boolean infeasible = false;
        for (int round = 0; round < ROUNDS && !infeasible; round++) {
            double before = best;
            double[] start = lambda.clone();
            for (int k = 0; k < resources.length; k++) {
                HullWalk walk = lineSearch(lambda, k);
                lambda[k] = walk.lambda();
                roundings.add(walk.rounding());
            }
            if (resources.length > 1) {
                infeasible = searchAlongSubgradient(lambda, roundings);
                double[] pattern = new double[resources.length];
                for (int k = 0; k < resources.length; k++) {
                    pattern[k] = lambda[k] - start[k];
                }
                // the round's net move, repeated: follows a ridge that coordinate steps only zigzag along
                infeasible = infeasible || searchAlong(lambda, pattern, roundings);
            }
            best = Math.max(best, value(lambda));
            if (resources.length == 1 || best - before <= 1e-12 * Math.abs(best)) {
                break;
            }
        }
        roundings.add(argmin(lambda));
        return new Result(resources, lambda, infeasible ? Double.POSITIVE_INFINITY : value(lambda), infeasible,
                roundings);
    }

    /**
     * One exact line search along the projected subgradient (the budgets' overshoot at the current minimiser),
     * which moves several multipliers at once where coordinate steps alone would zigzag along a ridge.
     *
     * @return true when L grows without bound along a direction of non-negative weights: then even the
     *         weighted sum of the budgets cannot be met, so the budgets together are infeasible
     */
    private boolean searchAlongSubgradient(double[] lambda, List<int[]> roundings) {
        int[] x = argmin(lambda);
        double[] direction = new double[resources.length];
        for (int k = 0; k < resources.length; k++) {
            // the overshoot in fractions of the resource's scale, divided by that scale once more so that a step
            // moves every λ_k·C_k by about the same amount whatever the units (bytes against milliseconds)
            double g = (total(k, x) - capacity[k]) / scale[k];
            direction[k] = lambda[k] <= 0 && g < 0 ? 0 : g / scale[k]; // projected: a zero multiplier stays zero
        }
        return searchAlong(lambda, direction, roundings);
    }

    /**
     * Moves λ to the maximiser of L on the ray λ + t·direction (t ≥ 0, λ ≥ 0), found exactly by a hull walk over
     * the costs the direction weighs together.
     *
     * @return true when L rises without bound along a direction of non-negative weights (see above)
     */
    private boolean searchAlong(double[] lambda, double[] direction, List<int[]> roundings) {
        double tMax = Double.POSITIVE_INFINITY;
        boolean any = false;
        for (int k = 0; k < resources.length; k++) {
            any |= direction[k] != 0;
            if (direction[k] < 0) {
                tMax = Math.min(tMax, lambda[k] / -direction[k]);
            }
        }
        if (!any) {
            return false;
        }
        int n = p.size();
        int m = p.choices();
        double[][] w = new double[n][m];
        double[][] c = new double[n][m];
        double cap = 0;
        for (int k = 0; k < resources.length; k++) {
            cap += direction[k] * capacity[k];
        }
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                w[l][j] = weighted(lambda, l, j);
                for (int k = 0; k < resources.length; k++) {
                    c[l][j] += direction[k] * p.cost()[resources[k]][l][j];
                }
            }
        }
        HullWalk walk = HullWalk.walk(w, c, cap);
        double t = Math.min(walk.lambda(), tMax);
        if (Double.isInfinite(t)) {
            return true;
        }
        for (int k = 0; k < resources.length; k++) {
            lambda[k] = Math.max(0, lambda[k] + t * direction[k]);
        }
        roundings.add(walk.rounding());
        return false;
    }

    /** The exact maximiser of L along resource k with the other multipliers fixed. */
    private HullWalk lineSearch(double[] lambda, int k) {
        int n = p.size();
        int m = p.choices();
        double[][] w = new double[n][m];
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < m; j++) {
                double v = p.d()[l][j];
                for (int o = 0; o < resources.length; o++) {
                    if (o != k) {
                        v += lambda[o] * p.cost()[resources[o]][l][j];
                    }
                }
                w[l][j] = v;
            }
        }
        return HullWalk.walk(w, p.cost()[resources[k]], capacity[k]);
    }

    double value(double[] lambda) {
        double v = 0;
        for (int l = 0; l < p.size(); l++) {
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < p.choices(); j++) {
                min = Math.min(min, weighted(lambda, l, j));
            }
            v += min;
        }
        for (int k = 0; k < resources.length; k++) {
            v -= lambda[k] * capacity[k];
        }
        return v;
    }

    /** Each layer's minimiser of D + λ·c; ties go to the cheaper choice, the side that meets budgets. */
    int[] argmin(double[] lambda) {
        int[] x = new int[p.size()];
        for (int l = 0; l < p.size(); l++) {
            double best = Double.POSITIVE_INFINITY;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int j = 0; j < p.choices(); j++) {
                double v = weighted(lambda, l, j);
                double tol = 1e-12 * Math.max(Math.abs(v), Math.abs(best));
                double cost = normalisedCost(l, j);
                if (v < best - tol || (v <= best + tol && cost < bestCost)) {
                    best = Math.min(v, best);
                    bestCost = cost;
                    x[l] = j;
                }
            }
        }
        return x;
    }

    double weighted(double[] lambda, int l, int j) {
        double v = p.d()[l][j];
        for (int k = 0; k < resources.length; k++) {
            v += lambda[k] * p.cost()[resources[k]][l][j];
        }
        return v;
    }

    private double normalisedCost(int l, int j) {
        double c = 0;
        for (int k = 0; k < resources.length; k++) {
            c += p.cost()[resources[k]][l][j] / scale[k];
        }
        return c;
    }

    private double total(int k, int[] x) {
        double t = 0;
        for (int l = 0; l < x.length; l++) {
            t += p.cost()[resources[k]][l][x[l]];
        }
        return t;
    }
}
