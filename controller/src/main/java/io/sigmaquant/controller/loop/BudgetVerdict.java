package io.sigmaquant.controller.loop;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a measured configuration meets the budgets, decided on the latency's 95 % interval (size is exact;
 * energy is taken as measured). {@link #wire} is the text reports and the API carry.
 */
public enum BudgetVerdict {
    /** Every budget met and the latency interval lies wholly within the latency budget. */
    MEETS_WITH_CONFIDENCE("meets with 95 % confidence"),
    /** Every budget met by the median; the latency interval reaches above the budget, or there is none. */
    MEETS("meets"),
    /** The median misses the latency budget but its interval reaches below it: another measurement could tell. */
    UNDECIDED("undecided"),
    /** A budget is missed: size or energy over, or the whole latency interval above the latency budget. */
    MISSES("misses");

    private final String wire;

    BudgetVerdict(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** @throws IllegalArgumentException for a string no verdict maps to */
    public static BudgetVerdict fromWire(String s) {
        return java.util.Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no budget verdict '" + s + "'"));
    }

    public boolean meets() {
        return this == MEETS_WITH_CONFIDENCE || this == MEETS;
    }

    static BudgetVerdict of(boolean sizeAndEnergyMet, DriftCorrection.Corrected latency, double latencyBudgetMs) {
        if (!sizeAndEnergyMet) {
            return MISSES;
        }
        if (!Double.isFinite(latencyBudgetMs)) {
            return MEETS_WITH_CONFIDENCE;
        }
        if (latency.ms() <= latencyBudgetMs) {
            return latency.hasInterval() && latency.highMs() <= latencyBudgetMs ? MEETS_WITH_CONFIDENCE : MEETS;
        }
        return latency.hasInterval() && latency.lowMs() <= latencyBudgetMs ? UNDECIDED : MISSES;
    }

    @Override
    public String toString() {
        return wire;
    }
}
