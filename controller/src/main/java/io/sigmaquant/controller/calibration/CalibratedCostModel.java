package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.LayerCost;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.Map;

/**
 * The prior cost model with per-format latency fits from measurements laid over it (docs/ARCHITECTURE.md,
 * calibration): a layer in a format with a fit gets the fitted latency, others the prior's; end-to-end =
 * Σ layers + the measured remainder. Size is the prior's (it is exact); energy is the prior's scaled by the factor fitted on metered
 * end-to-end energies ({@link EnergyScale}), since agents measure energy per inference, not per layer.
 */
public final class CalibratedCostModel implements CostModel {
    private final PriorCostModel prior;
    private final DeviceProfile profile;
    private final Map<RuntimeFormat, LatencyFit> fits;
    private final double remainderMs;
    private final double switchMs;
    private final EnergyScale energy;
    private final Map<String, Double> offsetSeconds;

    /**
     * @param switchMs measured cost of one change of format between consecutive layers (quantize/dequantize,
     *                 layout transposes); charged twice to a float layer, which in an integer model sits between
     *                 two switches — a separable stand-in for a cost that depends on neighbours
     */
    public CalibratedCostModel(PriorCostModel prior, Map<RuntimeFormat, LatencyFit> fits, double remainderMs,
                               double switchMs, EnergyScale energy, Map<String, Double> offsetSeconds) {
        this.energy = energy;
        this.offsetSeconds = Map.copyOf(offsetSeconds);
        this.prior = prior;
        this.profile = prior.profile();
        this.fits = Map.copyOf(fits);
        this.remainderMs = remainderMs;
        this.switchMs = switchMs;
    }

    public double switchMs() {
        return switchMs;
    }

    @Override
    public LayerCost cost(Layer layer, int bits) {
        LayerCost p = prior.cost(layer, bits);
        RuntimeFormat format = profile.formatOf(bits);
        LatencyFit fit = fits.get(format);
        double mj = p.energyMj() * energy.factor();
        if (fit == null) {
            return new LayerCost(p.sizeBytes(), p.latencyMs(), mj);
        }
        double seconds = fit.predictSeconds(LayerFeatures.of(layer, bits, format, profile.costOf(format), prior.batch()))
                + offsetSeconds.getOrDefault(offsetKey(format, layer.name()), 0.0);
        double ms = Math.max(0, seconds) * 1e3;
        if (format == RuntimeFormat.FP32 && profile.formats().contains(RuntimeFormat.W8A8)) {
            ms += 2 * switchMs;
        }
        return new LayerCost(p.sizeBytes(), ms, mj);
    }

    @Override
    public LayerCost remainder() {
        return new LayerCost(0, remainderMs, prior.remainder().energyMj() * energy.factor());
    }

    /** Key of a layer's offset: {@code <format>/<layer>}. */
    static String offsetKey(RuntimeFormat format, String layer) {
        return format.id() + "/" + layer;
    }

    public EnergyScale energy() {
        return energy;
    }

    public Map<RuntimeFormat, LatencyFit> fits() {
        return fits;
    }

    /** Rebuilds a calibrated model from its exported form over the same profile's prior. */
    public static CalibratedCostModel fromExport(PriorCostModel prior, Export e) {
        if (!prior.profile().id().equals(e.deviceClass())) {
            throw new IllegalArgumentException("calibration is for " + e.deviceClass() + ", not " + prior.profile().id());
        }
        Map<RuntimeFormat, LatencyFit> fits = new java.util.EnumMap<>(RuntimeFormat.class);
        e.latencyFits().forEach((format, f) -> fits.put(RuntimeFormat.of(format), new LatencyFit(new double[] {
            f.secondsPerMac(), f.secondsPerWeightByte(), f.secondsPerActivationByte(), f.secondsPerLayer()},
                f.observations(), f.heldOutMedianApe())));
        EnergyScale energy = e.energy() != null ? e.energy() : EnergyScale.PRIOR;
        return new CalibratedCostModel(prior, fits, e.remainderMs(), e.formatSwitchMs(), energy,
                e.layerOffsetsSeconds() != null ? e.layerOffsetsSeconds() : Map.of());
    }

    /** The calibrated model as data: a profile overlay the allocator can load later. */
    public Export export() {
        Map<String, Export.Fit> out = new java.util.TreeMap<>();
        fits.forEach((f, fit) -> out.put(f.id(), new Export.Fit(fit.theta()[0], fit.theta()[1], fit.theta()[2],
                fit.theta()[3], fit.observations(), fit.heldOutMedianApe())));
        return new Export(profile.id(), out, remainderMs, switchMs, energy, new java.util.TreeMap<>(offsetSeconds));
    }

    /** JSON form of a calibrated model: seconds per MAC, per weight byte, per activation byte, per layer. */
    public record Export(String deviceClass, Map<String, Fit> latencyFits, double remainderMs, double formatSwitchMs,
                         EnergyScale energy, Map<String, Double> layerOffsetsSeconds) {
        /** One format's fitted coefficients. */
        public record Fit(double secondsPerMac, double secondsPerWeightByte, double secondsPerActivationByte,
                          double secondsPerLayer, int observations, double heldOutMedianApe) {
        }
    }

    @Override
    public String describe() {
        return "calibrated on " + fits.values().stream().mapToInt(LatencyFit::observations).sum()
                + " per-layer measurements (formats " + fits.keySet() + ") over " + prior.describe();
    }
}
