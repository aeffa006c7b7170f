package io.sigmaquant.controller.cost;

/** Predicted cost of one layer at one bitwidth on one board. */
public record LayerCost(double sizeBytes, double latencyMs, double energyMj) {
    public LayerCost plus(LayerCost o) {
        return new LayerCost(sizeBytes + o.sizeBytes, latencyMs + o.latencyMs, energyMj + o.energyMj);
    }
}
