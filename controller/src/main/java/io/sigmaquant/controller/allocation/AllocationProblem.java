package io.sigmaquant.controller.allocation;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A multiple-choice problem: pick one bitwidth per layer to minimise Σ D_l(b_l) under the budgets.
 * Plain data, so allocators are pure functions of it.
 *
 * @param layers    layer names
 * @param bits      allowed bitwidths, ascending; choice j means {@code bits[j]}
 * @param d         sensitivity D[l][j]: a divergence, finite and ≥ 0
 * @param cost      cost[resource.ordinal()][l][j], finite
 * @param remainder cost outside the layers, per resource (added to every total)
 * @param sigma     σ of each layer's weights (Phase 1)
 */
public record AllocationProblem(List<String> layers, int[] bits, double[][] d, double[][][] cost, double[] remainder,
                                double[] sigma, Budgets budgets) {

    public AllocationProblem {
        layers = List.copyOf(layers);
        int n = layers.size();
        if (d.length != n || sigma.length != n || cost.length != Resource.values().length
                || remainder.length != Resource.values().length) {
            throw new IllegalArgumentException("problem arrays do not match " + n + " layers and "
                    + Resource.values().length + " resources");
        }
        for (int i = 1; i < bits.length; i++) {
            if (bits[i] <= bits[i - 1]) {
                throw new IllegalArgumentException("bits must be ascending: " + Arrays.toString(bits));
            }
        }
        // the bounds and proofs of the allocators hold for finite costs and non-negative D only
        for (int l = 0; l < n; l++) {
            for (int j = 0; j < bits.length; j++) {
                if (!(d[l][j] >= 0) || Double.isInfinite(d[l][j])) {
                    throw new IllegalArgumentException("D of " + layers.get(l) + " at " + bits[j]
                            + " bits must be finite and ≥ 0: " + d[l][j]);
                }
                for (double[][] c : cost) {
                    if (!Double.isFinite(c[l][j])) {
                        throw new IllegalArgumentException("a cost of " + layers.get(l) + " at " + bits[j]
                                + " bits is not finite: " + c[l][j]);
                    }
                }
            }
        }
    }

    public int size() {
        return layers.size();
    }

    public int choices() {
        return bits.length;
    }

    public AllocationProblem withBudgets(Budgets b) {
        return new AllocationProblem(layers, bits, d, cost, remainder, sigma, b);
    }

    public double objective(int[] choice) {
        double total = 0;
        for (int l = 0; l < choice.length; l++) {
            total += d[l][choice[l]];
        }
        return total;
    }

    public double total(Resource r, int[] choice) {
        double total = remainder[r.ordinal()];
        for (int l = 0; l < choice.length; l++) {
            total += cost[r.ordinal()][l][choice[l]];
        }
        return total;
    }

    /** The smallest total a resource can reach (every layer at its cheapest choice). */
    public double minimum(Resource r) {
        double total = remainder[r.ordinal()];
        for (double[] layer : cost[r.ordinal()]) {
            total += Arrays.stream(layer).min().orElse(0);
        }
        return total;
    }

    /** The largest total a resource can reach (every layer at its most expensive choice). */
    public double maximum(Resource r) {
        double total = remainder[r.ordinal()];
        for (double[] layer : cost[r.ordinal()]) {
            total += Arrays.stream(layer).max().orElse(0);
        }
        return total;
    }

    public boolean feasible(int[] choice) {
        for (Resource r : Resource.values()) {
            if (total(r, choice) > toleratedLimit(budgets.limit(r))) {
                return false;
            }
        }
        return true;
    }

    /** What the layers may spend of a budgeted resource: the budget (with its tolerance) less the remainder. */
    double capacity(Resource r) {
        return toleratedLimit(budgets.limit(r)) - remainder[r.ordinal()];
    }

    /** How far apart a layer's costs are, each relative to its budget and summed over the budgeted resources. */
    double costSpread(int l) {
        double spread = 0;
        for (Resource r : Resource.values()) {
            if (budgets.has(r)) {
                double[] c = cost[r.ordinal()][l];
                spread += (Arrays.stream(c).max().orElse(0) - Arrays.stream(c).min().orElse(0)) / budgets.limit(r);
            }
        }
        return spread;
    }

    /**
     * A budget with the relative tolerance every allocator allows: 1e-12, far below any real difference and
     * enough that a total summed in another order still meets a budget set to exactly that total.
     */
    static double toleratedLimit(double limit) {
        return limit * (1 + 1e-12);
    }

    /** Refuses budgets below what any allocation can reach, naming the smallest achievable value of each. */
    public void requireEachBudgetReachable() {
        List<Resource> violated = Arrays.stream(Resource.values())
                .filter(r -> budgets.has(r) && minimum(r) > budgets.limit(r)).toList();
        if (!violated.isEmpty()) {
            throw new InfeasibleBudgetException(names -> "infeasible budgets: " + violated.stream()
                    .map(r -> names.apply(r) + " " + Allocation.format(budgets.limit(r)) + " " + r.unit()
                            + " is below the smallest achievable " + Allocation.format(minimum(r)) + " " + r.unit())
                    .collect(Collectors.joining("; ")));
        }
    }

    /** The smallest achievable total of each budgeted resource alone, for messages. */
    public String minimumsText() {
        StringBuilder s = new StringBuilder();
        for (Resource r : Resource.values()) {
            if (budgets.has(r)) {
                s.append(s.length() == 0 ? "" : ", ").append(r.label()).append(" ≥ ")
                        .append(Allocation.format(minimum(r))).append(' ').append(r.unit());
            }
        }
        return s.toString();
    }

    public int indexOfBits(int b) {
        for (int j = 0; j < bits.length; j++) {
            if (bits[j] == b) {
                return j;
            }
        }
        return -1;
    }
}
