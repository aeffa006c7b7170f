package io.sigmaquant.controller.allocation;

/**
 * The running per-resource totals of one choice vector, kept up to date move by move, so that checking a
 * move costs O(resources) instead of a pass over every layer. Limits carry the same relative tolerance as
 * {@link AllocationProblem#feasible}, so both agree on what fits.
 */
final class ResourceTotals {
    private static final Resource[] RESOURCES = Resource.values();

    private final AllocationProblem p;
    private final int[] choice;
    private final double[] total = new double[RESOURCES.length];
    private final double[] limit = new double[RESOURCES.length];
    /** The budget of each resource, +∞ where it has none (kept as an array: map lookups showed in profiles). */
    private final double[] budget = new double[RESOURCES.length];

    /** Tracks {@code choice}, which only {@link #apply} may change from now on. */
    ResourceTotals(AllocationProblem p, int[] choice) {
        this.p = p;
        this.choice = choice;
        for (Resource r : RESOURCES) {
            total[r.ordinal()] = p.total(r, choice);
            budget[r.ordinal()] = p.budgets().limit(r);
            limit[r.ordinal()] = AllocationProblem.toleratedLimit(budget[r.ordinal()]);
        }
    }

    int[] choice() {
        return choice;
    }

    /** The change of resource {@code r} if layer {@code l} moved to choice {@code to}. */
    double delta(int r, int l, int to) {
        double[] c = p.cost()[r][l];
        return c[to] - c[choice[l]];
    }

    boolean fits(int l, int to) {
        for (int r = 0; r < total.length; r++) {
            if (total[r] + delta(r, l, to) > limit[r]) {
                return false;
            }
        }
        return true;
    }

    /** Whether moving layer {@code a} to {@code toA} and layer {@code b} to {@code toB} together fits. */
    boolean fits(int a, int toA, int b, int toB) {
        for (int r = 0; r < total.length; r++) {
            if (total[r] + delta(r, a, toA) + delta(r, b, toB) > limit[r]) {
                return false;
            }
        }
        return true;
    }

    boolean feasible() {
        for (int r = 0; r < total.length; r++) {
            if (total[r] > limit[r]) {
                return false;
            }
        }
        return true;
    }

    /** Σ over budgeted resources of the relative overshoot (0 when every budget is met). */
    double violation() {
        return violationAfter(-1, -1);
    }

    /** {@link #violation()} as it would be after moving layer {@code l} to {@code to} (l = −1: no move). */
    double violationAfter(int l, int to) {
        double v = 0;
        for (int r = 0; r < total.length; r++) {
            if (budget[r] < Double.POSITIVE_INFINITY) {
                double t = total[r] + (l < 0 ? 0 : delta(r, l, to));
                v += Math.max(0, t - limit[r]) / budget[r]; // overshoot past the tolerated limit, as feasible() sees it
            }
        }
        return v;
    }

    /** Σ over budgeted resources of the cost a move adds, each relative to its budget. */
    double normalisedIncrease(int l, int to) {
        double added = 0;
        for (int r = 0; r < total.length; r++) {
            if (budget[r] < Double.POSITIVE_INFINITY) {
                added += delta(r, l, to) / budget[r];
            }
        }
        return added;
    }

    void apply(int l, int to) {
        for (int r = 0; r < total.length; r++) {
            total[r] += delta(r, l, to);
        }
        choice[l] = to;
    }
}
