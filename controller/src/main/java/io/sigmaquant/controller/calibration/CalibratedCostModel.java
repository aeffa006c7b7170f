package io.sigmaquant.controller.calibration;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.LayerCost;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The prior cost model with per-format latency fits from measurements laid over it (docs/ARCHITECTURE.md,
 * calibration): a layer in a format with a fit gets the fitted latency plus its shrunk offset, others the
 * prior's. A whole configuration ({@link #latencyMs}) also gets what its neighbourhoods do: each layer's
 * offset in the context its neighbours' formats give it (a float pooling after a float Conv feeding an int8
 * one runs unfused), and the Q/DQ kernels at the boundaries between float and int8 layers, priced per
 * converted element ({@link FormatBoundaries}), plus the remainder. The allocator needs separable costs, so
 * {@link #cost} charges a float layer for the boundaries it would create among integer neighbours.
 * Size is the prior's (it is exact); energy is the prior's scaled by the factor fitted on metered end-to-end
 * energies ({@link EnergyScale}), since agents measure energy per inference, not per layer.
 */
public final class CalibratedCostModel implements CostModel {
    private final PriorCostModel prior;
    private final DeviceProfile profile;
    private final Map<RuntimeFormat, LatencyFit> fits;
    private final EnergyScale energy;
    private final Map<String, Double> offsetSeconds;
    private final Terms terms;

    /**
     * What a configuration costs beyond its layers' fitted kernels.
     *
     * @param remainderMs           the remainder r0 of every configuration
     * @param switchMs              legacy: per change of format between list neighbours, charged twice to a
     *                              float layer (exports before the boundary model; 0 in new fits)
     * @param boundarySecondsPerElement a Q or DQ kernel's time per converted element (batch included)
     * @param integerBoundaryMs     the boundaries of the all-integer configuration (model input and outputs),
     *                              part of the separable {@link #remainder()}
     * @param contextOffsetSeconds  per {@code <format>/<layer>/<context>}: what a layer's kernels cost beyond its
     *                              fit and offset in one neighbourhood ({@link FormatBoundaries#context})
     * @param correction            what end-to-end times say beyond all that ({@link EndToEndCorrection})
     */
    public record Terms(double remainderMs, double switchMs, double boundarySecondsPerElement,
                        double integerBoundaryMs, Map<String, Double> contextOffsetSeconds,
                        EndToEndCorrection correction) {
        public static final Terms NONE = new Terms(0, 0, 0, 0, Map.of());

        public Terms {
            contextOffsetSeconds = Map.copyOf(contextOffsetSeconds);
            correction = correction == null ? EndToEndCorrection.NONE : correction;
        }

        public Terms(double remainderMs, double switchMs, double boundarySecondsPerElement, double integerBoundaryMs,
                     Map<String, Double> contextOffsetSeconds) {
            this(remainderMs, switchMs, boundarySecondsPerElement, integerBoundaryMs, contextOffsetSeconds, null);
        }

        Terms with(EndToEndCorrection c) {
            return new Terms(remainderMs, switchMs, boundarySecondsPerElement, integerBoundaryMs, contextOffsetSeconds,
                    c);
        }
    }

    public CalibratedCostModel(PriorCostModel prior, Map<RuntimeFormat, LatencyFit> fits, EnergyScale energy,
                               Map<String, Double> offsetSeconds, Terms terms) {
        this.prior = prior;
        this.profile = prior.profile();
        this.fits = Map.copyOf(fits);
        this.energy = energy;
        this.offsetSeconds = Map.copyOf(offsetSeconds);
        this.terms = terms;
    }

    public CalibratedCostModel(PriorCostModel prior, Map<RuntimeFormat, LatencyFit> fits, double remainderMs,
                               double switchMs, EnergyScale energy, Map<String, Double> offsetSeconds) {
        this(prior, fits, energy, offsetSeconds, new Terms(remainderMs, switchMs, 0, 0, Map.of()));
    }

    public double switchMs() {
        return terms.switchMs();
    }

    public Terms terms() {
        return terms;
    }

    @Override
    public LayerCost cost(Layer layer, int bits) {
        LayerCost p = prior.cost(layer, bits);
        double ms = kernelMs(layer, bits, null);
        if (profile.formatOf(bits) != RuntimeFormat.W8A8 && profile.formats().contains(RuntimeFormat.W8A8)) {
            ms += 2 * terms.switchMs() + terms.boundarySecondsPerElement() * prior.batch()
                    * elementsAmongIntegers(layer) * 1e3;
        }
        if (bits == 32) {
            ms = Math.max(0, ms + terms.correction().floatLayerMs().getOrDefault(layer.name(), 0.0));
        }
        return new LayerCost(p.sizeBytes(), ms, p.energyMj() * energy.factor());
    }

    /** A layer's own kernels (with the operators charged to it), in one neighbourhood context or averaged over them. */
    double kernelMs(Layer layer, int bits, String context) {
        RuntimeFormat format = profile.formatOf(bits);
        LatencyFit fit = fits.get(format);
        if (fit == null) {
            return prior.cost(layer, bits).latencyMs();
        }
        double seconds = fit.predictSeconds(LayerFeatures.of(layer, bits, format, profile.costOf(format), prior.batch()))
                + offsetSeconds.getOrDefault(offsetKey(format, layer.name()), 0.0)
                + (context == null ? 0 : terms.contextOffsetSeconds()
                        .getOrDefault(contextKey(format, layer.name(), context), 0.0));
        return Math.max(0, seconds) * 1e3;
    }

    /** Elements a float layer's Q/DQ pairs convert when its neighbouring layers are integer. */
    private static double elementsAmongIntegers(Layer l) {
        boolean known = !l.upstream().isEmpty() || !l.downstream().isEmpty();
        boolean fromLayer = !known || l.upstream().stream().anyMatch(n -> !n.equals(Layer.MODEL_INPUT));
        boolean toLayer = !known || l.downstream().stream().anyMatch(n -> !n.equals(Layer.MODEL_OUTPUT));
        return (fromLayer ? l.inputElements() : 0) + (toLayer ? l.outputElements() : 0);
    }

    @Override
    public LayerCost remainder() {
        return new LayerCost(0, Math.max(0, terms.remainderMs() + terms.integerBoundaryMs()
                + terms.correction().constantMs()), prior.remainder().energyMj() * energy.factor());
    }

    /**
     * The whole configuration: each layer in the context of its neighbours' formats, the Q/DQ kernels where
     * float and int8 layers meet in the graph, the remainder.
     */
    @Override
    public double latencyMs(List<Layer> layers, Map<String, Integer> bits) {
        FormatBoundaries boundaries = new FormatBoundaries(layers);
        Predicate<String> integer = integerActivations(bits);
        double ms = terms.remainderMs() + terms.boundarySecondsPerElement() * prior.batch()
                * boundaries.elements(integer) * 1e3;
        for (Layer l : layers) {
            int b = bits.get(l.name());
            ms += kernelMs(l, b, boundaries.context(l.name(), integer));
            if (profile.formatOf(b) != RuntimeFormat.W8A8 && profile.formats().contains(RuntimeFormat.W8A8)) {
                ms += 2 * terms.switchMs();
            }
        }
        return Math.max(0, ms + terms.correction().ms(bits));
    }

    /** Whether a layer (by name) runs with int8 activations in a configuration. */
    Predicate<String> integerActivations(Map<String, Integer> bits) {
        return name -> bits.containsKey(name) && profile.formatOf(bits.get(name)) == RuntimeFormat.W8A8;
    }

    /** Key of a layer's offset: {@code <format>/<layer>}. */
    static String offsetKey(RuntimeFormat format, String layer) {
        return format.id() + "/" + layer;
    }

    /** Key of a layer's offset in one neighbourhood: {@code <format>/<layer>/<context>}. */
    static String contextKey(RuntimeFormat format, String layer, String context) {
        return offsetKey(format, layer) + "/" + context;
    }

    public EnergyScale energy() {
        return energy;
    }

    public Map<RuntimeFormat, LatencyFit> fits() {
        return fits;
    }

    PriorCostModel prior() {
        return prior;
    }

    public Map<String, Double> offsetSeconds() {
        return offsetSeconds;
    }

    /** Rebuilds a calibrated model from its exported form over the same profile's prior (older exports too). */
    public static CalibratedCostModel fromExport(PriorCostModel prior, Export e) {
        if (!prior.profile().id().equals(e.deviceClass())) {
            throw new IllegalArgumentException("calibration is for " + e.deviceClass() + ", not " + prior.profile().id());
        }
        Map<RuntimeFormat, LatencyFit> fits = new EnumMap<>(RuntimeFormat.class);
        e.latencyFits().forEach((format, f) -> fits.put(RuntimeFormat.of(format), new LatencyFit(new double[] {
            f.secondsPerMac(), f.secondsPerWeightByte(), f.secondsPerActivationByte(), f.secondsPerLayer()},
                f.observations(), f.heldOutMedianApe())));
        EnergyScale energy = e.energy() != null ? e.energy() : EnergyScale.PRIOR;
        Terms terms = new Terms(e.remainderMs(), e.formatSwitchMs(), orZero(e.boundarySecondsPerElement()),
                orZero(e.integerBoundaryMs()), e.contextOffsetsSeconds() != null ? e.contextOffsetsSeconds() : Map.of(),
                e.endToEndCorrection());
        return new CalibratedCostModel(prior, fits, energy,
                e.layerOffsetsSeconds() != null ? e.layerOffsetsSeconds() : Map.of(), terms);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** The calibrated model as data: a profile overlay the allocator can load later. */
    public Export export() {
        Map<String, Export.Fit> out = new TreeMap<>();
        fits.forEach((f, fit) -> out.put(f.id(), new Export.Fit(fit.theta()[0], fit.theta()[1], fit.theta()[2],
                fit.theta()[3], fit.observations(), fit.heldOutMedianApe())));
        return new Export(profile.id(), out, terms.remainderMs(), terms.switchMs(), energy, new TreeMap<>(offsetSeconds),
                terms.boundarySecondsPerElement(), terms.integerBoundaryMs(), new TreeMap<>(terms.contextOffsetSeconds()),
                terms.correction());
    }

    /**
     * JSON form of a calibrated model: seconds per MAC, per weight byte, per activation byte, per layer; the
     * last four fields came with the boundary model and the end-to-end correction and are absent (null) in older
     * exports.
     */
    public record Export(String deviceClass, Map<String, Fit> latencyFits, double remainderMs, double formatSwitchMs,
                         EnergyScale energy, Map<String, Double> layerOffsetsSeconds, Double boundarySecondsPerElement,
                         Double integerBoundaryMs, Map<String, Double> contextOffsetsSeconds,
                         EndToEndCorrection endToEndCorrection) {
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
