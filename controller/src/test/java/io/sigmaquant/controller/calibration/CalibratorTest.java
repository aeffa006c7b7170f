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
        double predictedLayers = resnet.stream().mapToDouble(l -> model.cost(l, 8).latencyMs()).sum();
        assertThat(model.remainder().latencyMs() + predictedLayers).isCloseTo(layerSumMs + 0.4, within(1e-9));
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

    /** Verifies that end-to-end times growing with format switches give the per-switch cost. */
    @Test
    void fit_configurationsWithFormatSwitches_recoverThePerSwitchCost() {
        Calibrator c = new Calibrator(prior);
        List<Layer> resnet = layers.subList(0, 10);
        Random r = new Random(4);
        for (Layer l : layers) {
            c.addLayer(l, 8, trueMicros(l, 8, new Random(5) {
                @Override
                public double nextGaussian() {
                    return 0;
                }
            }));
            c.addLayer(l, 32, 3 * trueMicros(l, 8, r));
        }
        CalibratedCostModel layersOnly = c.fit();
        for (int floatEvery : new int[] {0, 2, 3, 5}) {
            Map<String, Integer> bits = new LinkedHashMap<>();
            for (int i = 0; i < resnet.size(); i++) {
                bits.put(resnet.get(i).name(), floatEvery > 0 && i % floatEvery == 1 ? 32 : 8);
            }
            int switches = 0;
            for (int i = 1; i < resnet.size(); i++) {
                switches += bits.get(resnet.get(i).name()).equals(bits.get(resnet.get(i - 1).name())) ? 0 : 1;
            }
            double layersMs = resnet.stream().mapToDouble(l -> layersOnly.cost(l, bits.get(l.name())).latencyMs()
                    - (bits.get(l.name()) == 32 ? 2 * layersOnly.switchMs() : 0)).sum();
            c.addEndToEnd(resnet, bits, layersMs + 0.2 + 0.05 * switches);
        }
        CalibratedCostModel model = c.fit();
        assertThat(model.switchMs()).isCloseTo(0.05, within(1e-6));
        assertThat(model.remainder().latencyMs()).isCloseTo(0.2, within(1e-6));
    }
}
