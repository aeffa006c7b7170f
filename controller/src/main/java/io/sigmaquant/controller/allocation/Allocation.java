package io.sigmaquant.controller.allocation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A chosen bitwidth per layer.
 *
 * @param choice    index into the problem's bits, per layer
 * @param objective Σ D_l(b_l)
 * @param status    solver status (e.g. OPTIMAL, FEASIBLE, HEURISTIC)
 */
public record Allocation(String method, int[] choice, double objective, String status, double elapsedMs) {

    public static Allocation of(String method, AllocationProblem p, int[] choice, String status, long startNanos) {
        return new Allocation(method, choice.clone(), p.objective(choice), status, (System.nanoTime() - startNanos) / 1e6);
    }

    public Map<String, Integer> bits(AllocationProblem p) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int l = 0; l < choice.length; l++) {
            m.put(p.layers().get(l), p.bits()[choice[l]]);
        }
        return m;
    }

    /** A resource value for messages: whole units from 100 up, four significant digits below. */
    public static String format(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.4g", v);
    }
}
