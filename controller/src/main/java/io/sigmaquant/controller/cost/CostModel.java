package io.sigmaquant.controller.cost;

import io.sigmaquant.controller.analysis.Layer;
import java.util.List;
import java.util.Map;

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

    /**
     * End-to-end latency of a whole configuration. Separable models add up their layers and the remainder; a
     * model that knows what neighbouring layers do to each other (format boundaries) overrides it.
     *
     * @param bits every layer's bitwidth, by layer name
     */
    default double latencyMs(List<Layer> layers, Map<String, Integer> bits) {
        return remainder().latencyMs() + layers.stream().mapToDouble(l -> cost(l, bits.get(l.name())).latencyMs()).sum();
    }

    /** A one-line description for reports. */
    String describe();
}
