package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects measurements of one device class and fits its {@link CalibratedCostModel}: per-layer kernel times
 * (attributed by {@link NodeAttribution}) feed the per-format latency fits; what a fit leaves unexplained for
 * one layer in one format becomes that layer's offset, shrunk toward zero (a kernel the runtime picks badly
 * for one shape is remembered, not averaged away); end-to-end medians give the remainder the layers do not
 * explain.
 */
public final class Calibrator {
    private final PriorCostModel prior;
    private final DeviceProfile profile;
    /** Measured layer times by format, then by layer (the layer for its offset). */
    private final Map<RuntimeFormat, Map<String, List<LatencyFit.Observation>>> layerData =
            new EnumMap<>(RuntimeFormat.class);
    private final List<EndToEnd> endToEnd = new ArrayList<>();
    private final List<EnergyScale.Observation> energy = new ArrayList<>();

    /** Shrinkage of a layer's offset toward zero, in observations. */
    static final double OFFSET_SHRINK = 1.0;
    static final int BACKFIT_ROUNDS = 4;

    private record EndToEnd(List<Layer> layers, Map<String, Integer> bits, double measuredMs) {
    }

    public Calibrator(PriorCostModel prior) {
        this.prior = prior;
        this.profile = prior.profile();
    }

    /** One layer's measured kernel time at a bitwidth. */
    public void addLayer(Layer layer, int bits, double micros) {
        RuntimeFormat format = profile.formatOf(bits);
        LatencyFit.Observation o = new LatencyFit.Observation(
                LayerFeatures.of(layer, bits, format, profile.costOf(format), prior.batch()), micros * 1e-6);
        layerData.computeIfAbsent(format, f -> new java.util.LinkedHashMap<>())
                .computeIfAbsent(layer.name(), l -> new ArrayList<>()).add(o);
    }

    /** One configuration's measured end-to-end median. */
    public void addEndToEnd(List<Layer> layers, Map<String, Integer> bits, double medianMs) {
        endToEnd.add(new EndToEnd(List.copyOf(layers), Map.copyOf(bits), medianMs));
    }

    /** One configuration's energy per inference from a real meter (estimated energies are not fitted). */
    public void addEnergy(List<Layer> layers, Map<String, Integer> bits, double measuredMj) {
        double priorMj = prior.remainder().energyMj() + layers.stream()
                .mapToDouble(l -> prior.cost(l, bits.get(l.name())).energyMj()).sum();
        energy.add(new EnergyScale.Observation(measuredMj, priorMj));
    }

    public CalibratedCostModel fit() {
        EnergyScale energyScale = EnergyScale.fit(energy);
        // backfitting: the per-format fits see each layer's time less its offset, the offsets what the fits
        // leave; a few rounds keep one badly served layer from dragging every layer of its format along
        Map<RuntimeFormat, LatencyFit> fits = new EnumMap<>(RuntimeFormat.class);
        Map<String, Double> offsets = new java.util.TreeMap<>();
        for (int round = 0; round < BACKFIT_ROUNDS; round++) {
            layerData.forEach((format, byLayer) -> {
                List<LatencyFit.Observation> adjusted = new ArrayList<>();
                byLayer.forEach((layer, data) -> {
                    double offset = offsets.getOrDefault(CalibratedCostModel.offsetKey(format, layer), 0.0);
                    data.forEach(o -> adjusted.add(new LatencyFit.Observation(o.features(), o.seconds() - offset)));
                });
                LatencyFit fit = LatencyFit.fit(profile.costOf(format), adjusted);
                fits.put(format, fit);
                byLayer.forEach((layer, data) -> offsets.put(CalibratedCostModel.offsetKey(format, layer), data.stream()
                        .mapToDouble(o -> o.seconds() - fit.predictSeconds(o.features())).sum()
                        / (data.size() + OFFSET_SHRINK)));
            });
        }
        CalibratedCostModel layersOnly = new CalibratedCostModel(prior, fits, 0, 0, energyScale, offsets);
        // what the layers leave unexplained = r0 + r_switch × (format switches between consecutive layers)
        int n = endToEnd.size();
        double[] residual = new double[n];
        double[] switches = new double[n];
        for (int i = 0; i < n; i++) {
            EndToEnd e = endToEnd.get(i);
            residual[i] = e.measuredMs() - e.layers().stream()
                    .mapToDouble(l -> layersOnly.cost(l, e.bits().get(l.name())).latencyMs()).sum();
            switches[i] = switches(e);
        }
        double meanS = java.util.Arrays.stream(switches).average().orElse(0);
        double meanR = java.util.Arrays.stream(residual).average().orElse(0);
        double cov = 0;
        double var = 0;
        for (int i = 0; i < n; i++) {
            cov += (switches[i] - meanS) * (residual[i] - meanR);
            var += (switches[i] - meanS) * (switches[i] - meanS);
        }
        double perSwitch = var > 0 ? Math.max(0, cov / var) : 0;
        double remainder = Math.max(0, meanR - perSwitch * meanS);
        return new CalibratedCostModel(prior, fits, remainder, perSwitch, energyScale, offsets);
    }

    private int switches(EndToEnd e) {
        int count = 0;
        RuntimeFormat previous = null;
        for (Layer l : e.layers()) {
            RuntimeFormat f = profile.formatOf(e.bits().get(l.name()));
            if (previous != null && f != previous) {
                count++;
            }
            previous = f;
        }
        return count;
    }
}
