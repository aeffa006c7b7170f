package io.sigmaquant.controller.allocation;

/** A budgeted resource and the unit its values are in. */
public enum Resource {
    SIZE("size", "bytes", "--max-size"),
    LATENCY("latency", "ms", "--max-latency-ms"),
    ENERGY("energy", "mJ", "--max-energy-mj");

    private final String label;
    private final String unit;
    private final String flag;

    Resource(String label, String unit, String flag) {
        this.label = label;
        this.unit = unit;
        this.flag = flag;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    public String flag() {
        return flag;
    }
}
