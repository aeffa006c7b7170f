package io.sigmaquant.controller.allocation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The partial allocations of one stage of {@link BoundedSearch}, in parallel primitive arrays (costs flat, k
 * per state): Σ D so far, reduced cost so far, the bound, the costs of the budgeted resources, and the parent
 * state and choice to rebuild the allocation.
 */
final class SearchStates {
    /** For three or more resources, how many kept states a new state is checked against for dominance. */
    private static final int DOMINANCE_WINDOW = 48;

    final int k;
    int size;
    double[] d;
    double[] rc;
    double[] bound;
    double[] cost;
    int[] parent;
    int[] choice;

    SearchStates(int k, int capacity) {
        this.k = k;
        int c = Math.max(1, capacity);
        d = new double[c];
        rc = new double[c];
        bound = new double[c];
        cost = new double[c * Math.max(1, k)];
        parent = new int[c];
        choice = new int[c];
    }

    static SearchStates root(int k, double d, double[] cost) {
        SearchStates s = new SearchStates(k, 1);
        s.add(d, 0, 0, cost, 0, -1, -1);
        return s;
    }

    double cost(int i, int r) {
        return cost[i * k + r];
    }

    void add(double dValue, double rcValue, double boundValue, double[] costs, int costFrom, int parentIndex,
             int j) {
        if (size == d.length) {
            int c = size * 2;
            d = Arrays.copyOf(d, c);
            rc = Arrays.copyOf(rc, c);
            bound = Arrays.copyOf(bound, c);
            cost = Arrays.copyOf(cost, c * Math.max(1, k));
            parent = Arrays.copyOf(parent, c);
            choice = Arrays.copyOf(choice, c);
        }
        d[size] = dValue;
        rc[size] = rcValue;
        bound[size] = boundValue;
        System.arraycopy(costs, costFrom, cost, size * k, k);
        parent[size] = parentIndex;
        choice[size] = j;
        size++;
    }

    /** Drops states another state beats on D and on every resource (ties keep the first). */
    SearchStates withoutDominated() {
        SearchStates kept = new SearchStates(k, size);
        if (k == 1) {
            int[] order = IndexSort.by(cost, size);
            double bestD = Double.POSITIVE_INFINITY;
            double lastCost = Double.NaN;
            for (int i : order) {
                if (d[i] < bestD) {
                    if (cost[i] == lastCost) {
                        kept.size--; // same cost, less D: replaces the one just kept
                    }
                    bestD = d[i];
                    lastCost = cost[i];
                    kept.copy(this, i);
                }
            }
            return kept;
        }
        if (k == 2) {
            // exact for two resources: a staircase of kept (c0, c1), c1 falling as c0 rises
            TreeMap<Double, Double> staircase = new TreeMap<>();
            for (int i : byDThenCosts()) {
                double c0 = cost(i, 0);
                double c1 = cost(i, 1);
                Map.Entry<Double, Double> below = staircase.floorEntry(c0);
                if (below != null && below.getValue() <= c1) {
                    continue;
                }
                kept.copy(this, i);
                staircase.put(c0, c1);
                for (var it = staircase.tailMap(c0, false).entrySet().iterator(); it.hasNext(); ) {
                    if (it.next().getValue() < c1) {
                        break;
                    }
                    it.remove();
                }
            }
            return kept;
        }
        for (int i : IndexSort.by(d, size)) {
            if (!dominated(kept, i)) {
                kept.copy(this, i);
            }
        }
        return kept;
    }

    private boolean dominated(SearchStates kept, int i) {
        int from = Math.max(0, kept.size - DOMINANCE_WINDOW);
        for (int s = kept.size - 1; s >= from; s--) {
            boolean all = true;
            for (int r = 0; r < k && all; r++) {
                all = kept.cost(s, r) <= cost(i, r);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * The states by D, ties by the first cost and then the second, so that among equal D a state comes before
     * any it dominates.
     */
    private int[] byDThenCosts() {
        int[] order = IndexSort.by(d, size);
        for (int from = 0; from < order.length; ) {
            int to = from + 1;
            while (to < order.length && d[order[to]] == d[order[from]]) {
                to++;
            }
            if (to - from > 1) {
                Integer[] run = new Integer[to - from];
                for (int i = from; i < to; i++) {
                    run[i - from] = order[i];
                }
                Arrays.sort(run, Comparator.<Integer>comparingDouble(i -> cost(i, 0)).thenComparingDouble(i -> cost(i, 1)));
                for (int i = from; i < to; i++) {
                    order[i] = run[i - from];
                }
            }
            from = to;
        }
        return order;
    }

    /** The {@code count} states with the smallest bound. */
    SearchStates best(int count) {
        int[] order = IndexSort.by(bound, size);
        SearchStates kept = new SearchStates(k, count);
        for (int i = 0; i < count; i++) {
            kept.copy(this, order[i]);
        }
        return kept;
    }

    private void copy(SearchStates from, int i) {
        add(from.d[i], from.rc[i], from.bound[i], from.cost, i * k, from.parent[i], from.choice[i]);
    }
}
