package io.sigmaquant.controller.cost;

import io.sigmaquant.controller.analysis.Layer;

/**
 * Turns (layer, bitwidth) into predicted size, latency and energy on one device class. The analytic prior
 * ({@link PriorCostModel}) is the first implementation; the closed loop replaces it by a model calibrated
 * on measurements.
 */
public interface CostModel {
    LayerCost cost(Layer layer, int bits);

    /** What the whole model costs beyond its layers (other ops, session overhead). */
    default LayerCost remainder() {
        return new LayerCost(0, 0, 0);
    }

    /** A one-line description for reports. */
    String describe();
}
