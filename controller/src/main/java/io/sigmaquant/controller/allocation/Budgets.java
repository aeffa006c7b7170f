package io.sigmaquant.controller.allocation;

import java.util.EnumMap;
import java.util.Map;

/** Upper limits per resource; an absent resource is unconstrained. */
public record Budgets(Map<Resource, Double> limits) {
    public Budgets {
        limits = limits.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(limits));
        limits.forEach((r, v) -> {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(r.budgetName() + " must be a positive number: " + v);
            }
        });
    }

    public static Budgets none() {
        return new Budgets(Map.of());
    }

    public static Budgets of(Double sizeBytes, Double latencyMs, Double energyMj) {
        Map<Resource, Double> m = new EnumMap<>(Resource.class);
        if (sizeBytes != null) {
            m.put(Resource.SIZE, sizeBytes);
        }
        if (latencyMs != null) {
            m.put(Resource.LATENCY, latencyMs);
        }
        if (energyMj != null) {
            m.put(Resource.ENERGY, energyMj);
        }
        return new Budgets(m);
    }

    public boolean has(Resource r) {
        return limits.containsKey(r);
    }

    public double limit(Resource r) {
        return limits.getOrDefault(r, Double.POSITIVE_INFINITY);
    }

    /** A copy with one limit replaced. */
    public Budgets with(Resource r, double value) {
        Map<Resource, Double> m = new EnumMap<>(Resource.class);
        m.putAll(limits);
        m.put(r, value);
        return new Budgets(m);
    }
}
