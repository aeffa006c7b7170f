package io.sigmaquant.controller.allocation;

/**
 * A budgeted resource and the unit its values are in. Messages name a budget by {@link #budgetName}; a front
 * end that calls it something else (the command line: its flag) renders them again through
 * {@link InfeasibleBudgetException#naming}.
 */
public enum Resource {
    SIZE("size", "bytes"),
    LATENCY("latency", "ms"),
    ENERGY("energy", "mJ");

    private final String label;
    private final String unit;

    Resource(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    /** "size budget", as messages name the limit on this resource. */
    public String budgetName() {
        return label + " budget";
    }
}
