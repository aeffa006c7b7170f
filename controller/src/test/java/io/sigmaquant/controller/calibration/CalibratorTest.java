package io.sigmaquant.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fit against a known board: layer times generated from a hidden linear model (unlike the prior: slower
 * compute, a memory term and more overhead) with 5 % noise, over the real layers of the three fixtures.
 */
class CalibratorTest {
    static final double[] TRUTH = {2.5e-10, 4e-10, 1e-10, 20e-6};
    static List<Layer> layers = new ArrayList<>();
    static DeviceProfile profile;
    static PriorCostModel prior;

    @BeforeAll
    static void load() {
        for (String m : Fixtures.MODELS) {
            ModelAnalysis a = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model(m)));
            layers.addAll(a.layers());
        }
        profile = DeviceProfiles.load("raspberry-pi-4");
        prior = new PriorCostModel(profile, SizeBasis.PACKED);
    }

    private static double trueMicros(Layer l, int bits, Random noise) {
        RuntimeFormat f = profile.formatOf(bits);
        double[] x = LayerFeatures.of(l, bits, f, profile.costOf(f), 1).vector();
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += TRUTH[j] * x[j];
        }
        return s * 1e6 * (1 + 0.05 * noise.nextGaussian());
    }

    @Test
    void fit_manyNoisyMeasurements_predictsHeldOutLayersClosely() {
        Random r = new Random(1);
        Calibrator c = new Calibrator(prior);
        for (int rep = 0; rep < 3; rep++) {
            for (Layer l : layers) {
                c.addLayer(l, 8, trueMicros(l, 8, r));
            }
        }
        CalibratedCostModel model = c.fit();
        LatencyFit fit = model.fits().get(RuntimeFormat.W8A8);
        assertThat(fit.heldOutMedianApe()).isLessThan(0.10);
        assertThat(fit.theta()[0]).isCloseTo(TRUTH[0], within(0.1 * TRUTH[0]));
        Random exact = new Random(0) {
            @Override
            public double nextGaussian() {
                return 0;
            }
        };
        long close = layers.stream().filter(l -> {
            double truth = trueMicros(l, 8, exact);
            return Math.abs(model.cost(l, 8).latencyMs() * 1e3 - truth) <= 0.15 * truth;
        }).count();
        // the weight-byte term is pinned by the few weight-heavy layers only (a VGG Gemm); the prior holds it
        // back there, which is why the closed loop adds calibration configurations that vary it
        assertThat(close).isGreaterThanOrEqualTo(layers.size() * 9 / 10);
        // formats never measured keep the prior
        Layer any = layers.get(0);
        assertThat(model.cost(any, 32).latencyMs()).isEqualTo(prior.cost(any, 32).latencyMs());
    }

    @Test
    void fit_singleMeasurement_staysNearThePrior() {
        Calibrator c = new Calibrator(prior);
        Layer l = layers.get(1);
        c.addLayer(l, 8, trueMicros(l, 8, new Random(2)));
        LatencyFit fit = c.fit().fits().get(RuntimeFormat.W8A8);
        FormatCost cost = profile.costOf(RuntimeFormat.W8A8);
        double[] prior = LatencyFit.prior(cost);
        // one point cannot pin four coefficients: the fit moves toward it but keeps the prior's shape
        assertThat(fit.theta()[0]).isGreaterThan(prior[0] * 0.5).isLessThan(TRUTH[0] * 2);
        assertThat(Double.isNaN(fit.heldOutMedianApe())).isTrue();
    }

    @Test
    void fit_endToEndMedians_giveTheRemainderOutsideTheLayers() {
        Random r = new Random(3);
        Calibrator c = new Calibrator(prior);
        Map<String, Integer> bits = new LinkedHashMap<>();
        List<Layer> resnet = layers.subList(0, 10);
        resnet.forEach(l -> bits.put(l.name(), 8));
        double layerSumMs = 0;
        for (Layer l : layers) {
            double us = trueMicros(l, 8, r);
            c.addLayer(l, 8, us);
            layerSumMs += resnet.contains(l) ? us / 1e3 : 0;
        }
        c.addEndToEnd(resnet, bits, layerSumMs + 0.4);
        CalibratedCostModel model = c.fit();
        // the whole-configuration prediction reproduces the measured configuration exactly
        assertThat(model.latencyMs(resnet, bits)).isCloseTo(layerSumMs + 0.4, within(1e-9));
        assertThat(model.remainder().latencyMs()).isCloseTo(0.4, within(0.3));
    }

    /**
     * Verifies that metered energies 1.8× the prior's (±5 % noise) over random configurations give an energy
     * factor near 1.8 — pulled toward 1 by the one-observation prior — that scales every layer and survives export.
     */
    @Test
    void fit_meteredEnergies_scaleThePriorAndKeepHeldOutError() {
        Calibrator c = new Calibrator(prior);
        List<Layer> resnet = layers.subList(0, 10);
        Random r = new Random(5);
        int[] widths = {2, 4, 8, 32};
        for (int i = 0; i < 12; i++) {
            Map<String, Integer> bits = new LinkedHashMap<>();
            resnet.forEach(l -> bits.put(l.name(), widths[r.nextInt(widths.length)]));
            double priorMj = prior.remainder().energyMj() + resnet.stream()
                    .mapToDouble(l -> prior.cost(l, bits.get(l.name())).energyMj()).sum();
            c.addEnergy(resnet, bits, 1.8 * priorMj * (1 + 0.05 * (2 * r.nextDouble() - 1)));
        }
        CalibratedCostModel model = c.fit();
        EnergyScale e = model.energy();
        assertThat(e.observations()).isEqualTo(12);
        assertThat(e.factor()).isBetween(1.65, 1.85);
        assertThat(e.heldOutMedianApe()).isBetween(0.0, 0.12);
        Layer l = resnet.get(3);
        assertThat(model.cost(l, 4).energyMj()).isCloseTo(e.factor() * prior.cost(l, 4).energyMj(), within(1e-12));
        CalibratedCostModel again = CalibratedCostModel.fromExport(prior, model.export());
        assertThat(again.cost(l, 4).energyMj()).isCloseTo(model.cost(l, 4).energyMj(), within(1e-12));
    }

    /**
     * Verifies that a layer the per-format fit cannot explain — one kernel 3 ms slower than its features say,
     * as ONNX Runtime's float MaxPool after a float Conv feeding integer layers is — keeps most of that excess
     * as its own offset, while the other layers stay close to the fit.
     */
    @Test
    void fit_oneLayerSlowerThanItsFeatures_isRememberedAsItsOffset() {
        Calibrator c = new Calibrator(prior);
        Random r = new Random(6);
        List<Layer> resnet = layers.subList(0, 10); // one model: layer names are unique within it
        Layer odd = resnet.get(0);
        for (int rep = 0; rep < 3; rep++) {
            for (Layer l : resnet) {
                c.addLayer(l, 32, trueMicros(l, 32, r) + (l == odd ? 3000 : 0));
            }
        }
        CalibratedCostModel model = c.fit();
        double oddMs = model.cost(odd, 32).latencyMs();
        double truthMs = (trueMicros(odd, 32, new Random(1)) + 3000) / 1e3;
        // three observations, shrunk by one: three quarters of the excess is kept
        assertThat(oddMs).isCloseTo(truthMs, within(0.3 * truthMs));
        Layer normal = resnet.get(5);
        double normalTruth = trueMicros(normal, 32, new Random(1)) / 1e3;
        assertThat(model.cost(normal, 32).latencyMs()).isCloseTo(normalTruth, within(Math.max(0.5 * normalTruth, 0.3)));
        CalibratedCostModel again = CalibratedCostModel.fromExport(prior, model.export());
        assertThat(again.cost(odd, 32).latencyMs()).isCloseTo(oddMs, within(1e-9));
    }

    /** Verifies that without metered energy the prior's energies stand. */
    @Test
    void fit_noMeteredEnergy_keepsThePriorEnergy() {
        Calibrator c = new Calibrator(prior);
        Layer l = layers.get(0);
        c.addLayer(l, 8, 100);
        assertThat(c.fit().cost(l, 8).energyMj()).isEqualTo(prior.cost(l, 8).energyMj());
        assertThat(c.fit().energy().observations()).isZero();
    }

    private static Map<String, Integer> config(List<Layer> model, java.util.function.IntPredicate floatAt) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        for (int i = 0; i < model.size(); i++) {
            bits.put(model.get(i).name(), floatAt.test(i) ? 32 : 8);
        }
        return bits;
    }

    private static Map<String, Double> exactMicros(List<Layer> model, Map<String, Integer> bits) {
        Map<String, Double> us = new LinkedHashMap<>();
        Random still = new Random(0) {
            @Override
            public double nextGaussian() {
                return 0;
            }
        };
        model.forEach(l -> us.put(l.name(), trueMicros(l, bits.get(l.name()), still)));
        return us;
    }

    /** Verifies that with nothing measured the fit is the prior, with no remainder and no boundary cost. */
    @Test
    void fit_noMeasurements_isThePrior() {
        List<Layer> resnet = layers.subList(0, 10);
        CalibratedCostModel model = new Calibrator(prior).fit();
        Map<String, Integer> bits = config(resnet, i -> i % 3 == 0);
        double priorMs = resnet.stream().mapToDouble(l -> prior.cost(l, bits.get(l.name())).latencyMs()).sum();
        assertThat(model.terms()).isEqualTo(CalibratedCostModel.Terms.NONE);
        assertThat(model.latencyMs(resnet, bits)).isCloseTo(priorMs, within(1e-9));
    }

    /** Verifies that one end-to-end time and no layer times give a remainder and no boundary cost. */
    @Test
    void fit_oneEndToEndOnly_givesARemainderAndNoBoundaryCost() {
        List<Layer> resnet = layers.subList(0, 10);
        Calibrator c = new Calibrator(prior);
        Map<String, Integer> bits = config(resnet, i -> false);
        double priorMs = resnet.stream().mapToDouble(l -> prior.cost(l, 8).latencyMs()).sum();
        c.addEndToEnd(resnet, bits, priorMs + 2);
        CalibratedCostModel model = c.fit();
        assertThat(model.terms().boundarySecondsPerElement()).isZero();
        assertThat(model.terms().remainderMs()).isCloseTo(2, within(1e-9));
        assertThat(model.latencyMs(resnet, bits)).isCloseTo(priorMs + 2, within(1e-9));
    }

    /** Verifies that the three calibration configurations give non-negative terms and finite predictions. */
    @Test
    void fit_threeCalibrationConfigurations_nonNegativeAndFinite() {
        List<Layer> resnet = layers.subList(0, 10);
        Calibrator c = new Calibrator(prior);
        Random r = new Random(9);
        for (Map<String, Integer> bits : List.of(config(resnet, i -> true), config(resnet, i -> false),
                config(resnet, i -> i % 2 == 1))) {
            Map<String, Double> us = exactMicros(resnet, bits);
            double ms = us.values().stream().mapToDouble(Double::doubleValue).sum() / 1e3 * (1 + 0.1 * r.nextGaussian());
            c.addMeasurement(resnet, bits, us, ms);
        }
        CalibratedCostModel model = c.fit();
        CalibratedCostModel.Terms t = model.terms();
        assertThat(t.remainderMs()).isNotNegative();
        assertThat(t.boundarySecondsPerElement()).isNotNegative();
        assertThat(t.integerBoundaryMs()).isNotNegative();
        Map<String, Integer> unseen = config(resnet, i -> i % 3 == 0);
        assertThat(model.latencyMs(resnet, unseen)).isFinite().isPositive();
        assertThat(resnet).allSatisfy(l -> assertThat(model.cost(l, 32).latencyMs()).isFinite().isNotNegative());
    }

    /**
     * Verifies that a cost per element converted where float and int8 layers meet in the graph is recovered,
     * and predicts unseen configurations closely, where a cost per change of format between list neighbours
     * (the model before) cannot: elements differ from boundary to boundary, and residual edges are not in the
     * list order.
     */
    @Test
    void fit_boundaryCostPerElement_isRecoveredWhereAPerSwitchCostIsNot() {
        List<Layer> resnet = layers.subList(0, 10);
        double betaSeconds = 3e-9;
        FormatBoundaries graph = new FormatBoundaries(resnet);
        java.util.function.ToDoubleFunction<Map<String, Integer>> truth = bits -> exactMicros(resnet, bits).values()
                .stream().mapToDouble(Double::doubleValue).sum() / 1e3 + 0.2
                + betaSeconds * graph.elements(n -> bits.get(n) == 8) * 1e3;
        Random r = new Random(3);
        List<Map<String, Integer>> train = new ArrayList<>(List.of(config(resnet, i -> true),
                config(resnet, i -> false), config(resnet, i -> i % 2 == 1)));
        for (int k = 0; k < 5; k++) {
            train.add(config(resnet, i -> r.nextBoolean()));
        }
        Calibrator c = new Calibrator(prior);
        train.forEach(bits -> c.addMeasurement(resnet, bits, exactMicros(resnet, bits), truth.applyAsDouble(bits)));
        CalibratedCostModel model = c.fit();
        assertThat(model.terms().boundarySecondsPerElement()).isCloseTo(betaSeconds, within(0.05 * betaSeconds));
        assertThat(model.terms().remainderMs()).isCloseTo(0.2, within(0.02));
        CalibratedCostModel old = perSwitchModel(model, resnet, train, truth);
        double worstNew = 0;
        double worstOld = 0;
        for (int k = 0; k < 20; k++) {
            Map<String, Integer> bits = config(resnet, i -> r.nextBoolean());
            double t = truth.applyAsDouble(bits);
            worstNew = Math.max(worstNew, Math.abs(model.latencyMs(resnet, bits) - t) / t);
            worstOld = Math.max(worstOld, Math.abs(old.latencyMs(resnet, bits) - t) / t);
        }
        // within 2 %: the end-to-end correction, chosen on average cross-validated error, may move the worst a little
        assertThat(worstNew).isLessThan(0.02);
        assertThat(worstOld).isGreaterThan(0.05);
    }

    /** The model before boundaries: the same layer fits, r0 and a cost per switch between list neighbours. */
    private static CalibratedCostModel perSwitchModel(CalibratedCostModel fitted, List<Layer> model,
                                                      List<Map<String, Integer>> train,
                                                      java.util.function.ToDoubleFunction<Map<String, Integer>> truth) {
        CalibratedCostModel layersOnly = new CalibratedCostModel(prior, fitted.fits(), 0, 0, fitted.energy(),
                fitted.offsetSeconds());
        int n = train.size();
        double[] residual = new double[n];
        double[] switches = new double[n];
        for (int k = 0; k < n; k++) {
            Map<String, Integer> bits = train.get(k);
            residual[k] = truth.applyAsDouble(bits) - layersOnly.latencyMs(model, bits);
            for (int i = 1; i < model.size(); i++) {
                switches[k] += bits.get(model.get(i).name()).equals(bits.get(model.get(i - 1).name())) ? 0 : 1;
            }
        }
        double ms = java.util.Arrays.stream(switches).average().orElseThrow();
        double mr = java.util.Arrays.stream(residual).average().orElseThrow();
        double cov = 0;
        double var = 0;
        for (int k = 0; k < n; k++) {
            cov += (switches[k] - ms) * (residual[k] - mr);
            var += (switches[k] - ms) * (switches[k] - ms);
        }
        double perSwitch = Math.max(0, cov / var);
        return new CalibratedCostModel(prior, fitted.fits(), Math.max(0, mr - perSwitch * ms), perSwitch,
                fitted.energy(), fitted.offsetSeconds());
    }

    /** Verifies that an export with the boundary terms survives JSON and predicts the same configurations. */
    @Test
    void export_withBoundaryTerms_roundTripsThroughJson() throws Exception {
        List<Layer> resnet = layers.subList(0, 10);
        Calibrator c = new Calibrator(prior);
        FormatBoundaries graph = new FormatBoundaries(resnet);
        for (Map<String, Integer> bits : List.of(config(resnet, i -> true), config(resnet, i -> false),
                config(resnet, i -> i % 2 == 1), config(resnet, i -> i % 3 == 0))) {
            Map<String, Double> us = exactMicros(resnet, bits);
            c.addMeasurement(resnet, bits, us, us.values().stream().mapToDouble(Double::doubleValue).sum() / 1e3 + 0.4
                    + 5e-9 * graph.elements(n -> bits.get(n) == 8) * 1e3);
        }
        CalibratedCostModel model = c.fit();
        assertThat(model.terms().boundarySecondsPerElement()).isPositive();
        String json = io.sigmaquant.controller.files.JsonFiles.JSON.writeValueAsString(model.export());
        CalibratedCostModel again = CalibratedCostModel.fromExport(prior,
                io.sigmaquant.controller.files.JsonFiles.JSON.readValue(json, CalibratedCostModel.Export.class));
        assertThat(again.terms()).isEqualTo(model.terms());
        Map<String, Integer> bits = config(resnet, i -> i % 4 == 1);
        assertThat(again.latencyMs(resnet, bits)).isCloseTo(model.latencyMs(resnet, bits), within(1e-12));
        assertThat(again.cost(resnet.get(2), 32).latencyMs())
                .isCloseTo(model.cost(resnet.get(2), 32).latencyMs(), within(1e-12));
    }

    /** Verifies that an export written before the boundary terms still loads, with its per-switch cost. */
    @Test
    void fromExport_olderExportWithoutBoundaryTerms_loadsWithItsSwitchCost() throws Exception {
        String json = "{\"deviceClass\":\"raspberry-pi-4\",\"latencyFits\":{},\"remainderMs\":0.5,"
                + "\"formatSwitchMs\":0.1,\"layerOffsetsSeconds\":{}}";
        CalibratedCostModel model = CalibratedCostModel.fromExport(prior,
                io.sigmaquant.controller.files.JsonFiles.JSON.readValue(json, CalibratedCostModel.Export.class));
        assertThat(model.terms()).isEqualTo(new CalibratedCostModel.Terms(0.5, 0.1, 0, 0, Map.of()));
        Layer l = layers.get(0);
        assertThat(model.cost(l, 32).latencyMs()).isCloseTo(prior.cost(l, 32).latencyMs() + 0.2, within(1e-12));
    }
}
