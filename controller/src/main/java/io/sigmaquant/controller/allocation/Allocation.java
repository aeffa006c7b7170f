package io.sigmaquant.controller.allocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A chosen bitwidth per layer.
 *
 * @param choice     index into the problem's bits, per layer
 * @param objective  Σ D_l(b_l)
 * @param status     OPTIMAL (proven), FEASIBLE (CP-SAT out of time), HEURISTIC or UNIFORM
 * @param lowerBound a proven lower bound on the optimum's Σ D, or NaN where the method computes none
 * @param considered the allocations within budget the method compared before choosing, by where they came from
 */
public record Allocation(String method, int[] choice, double objective, String status, double elapsedMs,
                         double lowerBound, List<Candidate> considered) {

    /** One allocation a method considered: its origin (e.g. {@code uniform:4}, {@code lagrangian}) and Σ D. */
    public record Candidate(String origin, double objective) {
    }

    public Allocation {
        considered = List.copyOf(considered);
    }

    public static Allocation of(String method, AllocationProblem p, int[] choice, String status, long startNanos) {
        return of(method, p, choice, status, startNanos, Double.NaN, List.of());
    }

    public static Allocation of(String method, AllocationProblem p, int[] choice, String status, long startNanos,
                                double lowerBound, List<Candidate> considered) {
        return new Allocation(method, choice.clone(), p.objective(choice), status,
                (System.nanoTime() - startNanos) / 1e6, lowerBound, considered);
    }

    public Map<String, Integer> bits(AllocationProblem p) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int l = 0; l < choice.length; l++) {
            m.put(p.layers().get(l), p.bits()[choice[l]]);
        }
        return m;
    }

    /** The proven relative distance to the optimum, (Σ D − bound) / Σ D, or NaN without a bound. */
    public double provenGap() {
        if (Double.isNaN(lowerBound)) {
            return Double.NaN;
        }
        return objective <= 0 ? 0 : Math.max(0, (objective - lowerBound) / objective);
    }

    /** A resource value for messages: whole units from 100 up, four significant digits below. */
    public static String format(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.4g", v);
    }
}
