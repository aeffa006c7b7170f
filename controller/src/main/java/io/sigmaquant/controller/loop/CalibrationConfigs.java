package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.analysis.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations measured first, so that the latency fit is identifiable: all float, all at the widest
 * integer bitwidth (the two formats a CPU board runs), and, where both exist, the two alternating layer by
 * layer, which shows what a change of format between neighbours costs.
 */
final class CalibrationConfigs {
    private CalibrationConfigs() {
    }

    static List<Map<String, Integer>> of(List<Layer> layers, List<Integer> allowed) {
        List<Map<String, Integer>> configs = new ArrayList<>();
        Integer widestInt = allowed.stream().filter(b -> b <= 8).max(Integer::compare).orElse(null);
        boolean hasFloat = allowed.contains(32);
        if (hasFloat) {
            configs.add(uniform(layers, 32));
        }
        if (widestInt != null) {
            configs.add(uniform(layers, widestInt));
        }
        if (hasFloat && widestInt != null) {
            Map<String, Integer> alternating = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                alternating.put(layers.get(i).name(), i % 2 == 0 ? widestInt : 32);
            }
            configs.add(alternating);
        }
        return configs;
    }

    private static Map<String, Integer> uniform(List<Layer> layers, int bits) {
        Map<String, Integer> config = new LinkedHashMap<>();
        layers.forEach(l -> config.put(l.name(), bits));
        return config;
    }
}
