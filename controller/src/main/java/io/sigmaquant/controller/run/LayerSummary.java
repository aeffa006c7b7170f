package io.sigmaquant.controller.run;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run knows of each quantizable layer before it measures anything — written as {@code layers.json} into
 * the run's results as soon as the sensitivity table is known, for the dashboard's bits chart.
 *
 * @param sigma the standard deviation of the layer's weights (the method's σ)
 * @param kl    the layer's KL sensitivity at each integer bitwidth of the table ({@code "8": 0.2}); empty for a
 *              layer the table lacks
 */
public record LayerSummary(String name, String op, long params, double sigma, Map<String, Double> kl) {
    /** File name in a run's results folder. */
    public static final String FILE = "layers.json";

    /** The model's layers in order, with their row of the table. */
    public static List<LayerSummary> of(ModelAnalysis analysis, SensitivityTable table) {
        return analysis.layers().stream().map(l -> of(l, table)).toList();
    }

    private static LayerSummary of(Layer layer, SensitivityTable table) {
        Map<String, Double> kl = new LinkedHashMap<>();
        if (table.layers().contains(layer.name())) {
            for (int b : table.bits()) {
                kl.put(Integer.toString(b), table.d(layer.name(), b));
            }
        }
        return new LayerSummary(layer.name(), layer.op(), layer.params(), layer.sigma(), kl);
    }
}
