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
 * explain. Where a configuration's layer times are known together with its end-to-end time, each layer also
 * keeps an offset per neighbourhood of formats, and the end-to-end residuals give the cost per element of the
 * Q/DQ kernels at float/int8 boundaries ({@link EndToEndFit}).
 */
public final class Calibrator {
    private final PriorCostModel prior;
    private final DeviceProfile profile;
    /** Measured layer times by format, then by layer (the layer for its offset). */
    private final Map<RuntimeFormat, Map<String, List<LatencyFit.Observation>>> layerData =
            new EnumMap<>(RuntimeFormat.class);
    private final List<EndToEnd> endToEnd = new ArrayList<>();
    /** Layer times since the last end-to-end time: they belong to its configuration, which gives their context. */
    private final List<LayerTime> pending = new ArrayList<>();
    /** Layer times by {@code <format>/<layer>/<context>}. */
    private final Map<String, List<LayerTime>> contextData = new java.util.TreeMap<>();
    private final List<EnergyScale.Observation> energy = new ArrayList<>();

    /** Shrinkage of a layer's offset toward zero, in observations. */
    static final double OFFSET_SHRINK = 1.0;
    static final int BACKFIT_ROUNDS = 4;
    /** Shrinkage of a layer's offset in one neighbourhood toward its offset over all, in observations. */
    static final double CONTEXT_SHRINK = 1.0;

    record EndToEnd(List<Layer> layers, Map<String, Integer> bits, double measuredMs) {
    }

    private record LayerTime(Layer layer, int bits, double micros) {
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
        pending.add(new LayerTime(layer, bits, micros));
    }

    /**
     * One configuration's measured end-to-end median. The layer times added since the previous end-to-end time
     * are taken as this configuration's (as the closed loop adds them), which tells in which neighbourhood of
     * formats each was measured; {@link #addMeasurement} says so explicitly.
     */
    public void addEndToEnd(List<Layer> layers, Map<String, Integer> bits, double medianMs) {
        endToEnd.add(new EndToEnd(List.copyOf(layers), Map.copyOf(bits), medianMs));
        FormatBoundaries boundaries = new FormatBoundaries(layers);
        java.util.function.Predicate<String> integer = name -> bits.containsKey(name)
                && profile.formatOf(bits.get(name)) == RuntimeFormat.W8A8;
        Map<String, Layer> inConfig = new java.util.HashMap<>();
        layers.forEach(l -> inConfig.put(l.name(), l));
        for (LayerTime t : pending) {
            Integer b = bits.get(t.layer().name());
            if (b != null && b == t.bits() && inConfig.containsKey(t.layer().name())) {
                String key = CalibratedCostModel.contextKey(profile.formatOf(b), t.layer().name(),
                        boundaries.context(t.layer().name(), integer));
                contextData.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
            }
        }
        pending.clear();
    }

    /** One configuration's energy per inference from a real meter (estimated energies are not fitted). */
    public void addEnergy(List<Layer> layers, Map<String, Integer> bits, double measuredMj) {
        double priorMj = prior.remainder().energyMj() + layers.stream()
                .mapToDouble(l -> prior.cost(l, bits.get(l.name())).energyMj()).sum();
        energy.add(new EnergyScale.Observation(measuredMj, priorMj));
    }

    /**
     * One configuration measured: each layer's attributed kernel µs (layers absent from the map had none) and
     * the end-to-end median — the same as {@link #addLayer} for each layer then {@link #addEndToEnd}.
     */
    public void addMeasurement(List<Layer> layers, Map<String, Integer> bits, Map<String, Double> layerMicros,
                               double medianMs) {
        for (Layer l : layers) {
            Double us = layerMicros.get(l.name());
            if (us != null) {
                addLayer(l, bits.get(l.name()), us);
            }
        }
        addEndToEnd(layers, bits, medianMs);
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
        CalibratedCostModel layersOnly = new CalibratedCostModel(prior, fits, energyScale, offsets,
                CalibratedCostModel.Terms.NONE);
        Map<String, Double> contextOffsets = contextOffsets(layersOnly);
        CalibratedCostModel withContexts = new CalibratedCostModel(prior, fits, energyScale, offsets,
                new CalibratedCostModel.Terms(0, 0, 0, 0, contextOffsets));
        CalibratedCostModel.Terms terms = EndToEndFit.fit(withContexts, endToEnd);
        CalibratedCostModel uncorrected = new CalibratedCostModel(prior, fits, energyScale, offsets, terms);
        List<Layer> layers = endToEnd.isEmpty() ? List.of() : endToEnd.get(endToEnd.size() - 1).layers();
        EndToEndCorrection correction = EndToEndCorrection.fit(layers, endToEnd,
                e -> uncorrected.latencyMs(e.layers(), e.bits()));
        return new CalibratedCostModel(prior, fits, energyScale, offsets, terms.with(correction));
    }

    /** What each layer's kernels cost in one neighbourhood beyond its fit and offset, shrunk toward zero. */
    private Map<String, Double> contextOffsets(CalibratedCostModel layersOnly) {
        Map<String, Double> out = new java.util.TreeMap<>();
        contextData.forEach((key, data) -> out.put(key, data.stream()
                .mapToDouble(o -> o.micros() * 1e-3 - layersOnly.kernelMs(o.layer(), o.bits(), null)).sum()
                * 1e-3 / (data.size() + CONTEXT_SHRINK)));
        return out;
    }
}
