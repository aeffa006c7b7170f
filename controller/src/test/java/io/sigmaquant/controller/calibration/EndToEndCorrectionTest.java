package io.sigmaquant.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end correction on synthetic measurements of the fixture ResNet's layers: a model that misses what
 * one layer costs in float (as ONNX Runtime's unfused float pooling after a float Conv is missed by the
 * profile), measured with 1 % noise.
 */
class EndToEndCorrectionTest {
    static List<Layer> layers;
    /** What the model without correction predicts: 2 ms plus 0.1 ms per float layer. */
    static final ToDoubleFunction<Calibrator.EndToEnd> MODEL = e -> 2 + 0.1 * floats(e.bits());

    @BeforeAll
    static void load() {
        layers = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("resnet"))).layers();
    }

    private static long floats(Map<String, Integer> bits) {
        return bits.values().stream().filter(b -> b == 32).count();
    }

    /** The board: the model's time, and 0.8 ms more when the second layer runs in float. */
    private static double boardMs(Map<String, Integer> bits, Random noise) {
        double ms = 2 + 0.1 * floats(bits) + (bits.get(layers.get(1).name()) == 32 ? 0.8 : 0);
        return ms * (1 + 0.01 * noise.nextGaussian());
    }

    private static List<Calibrator.EndToEnd> measured(int count, long seed) {
        Random random = new Random(seed);
        List<Calibrator.EndToEnd> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Integer> bits = new LinkedHashMap<>();
            layers.forEach(l -> bits.put(l.name(), random.nextBoolean() ? 32 : 8));
            out.add(new Calibrator.EndToEnd(layers, bits, boardMs(bits, random)));
        }
        return out;
    }

    private static double worstError(EndToEndCorrection c, List<Calibrator.EndToEnd> heldOut) {
        return heldOut.stream().mapToDouble(e -> Math.abs(MODEL.applyAsDouble(e) + c.ms(e.bits()) - e.measuredMs())
                / e.measuredMs()).max().orElseThrow();
    }

    @Test
    void fit_aLayerCostingMoreInFloatThanModelled_isFoundAndHeldOutPredictionsImprove() {
        List<Calibrator.EndToEnd> heldOut = measured(20, 2);

        EndToEndCorrection c = EndToEndCorrection.fit(layers, measured(12, 1), MODEL);

        String second = layers.get(1).name();
        assertThat(c.floatLayerMs().get(second)).isGreaterThan(0.3);
        assertThat(c.floatLayerMs().entrySet()).allMatch(e -> e.getKey().equals(second) || e.getValue() < c
                .floatLayerMs().get(second));
        assertThat(worstError(EndToEndCorrection.NONE, heldOut)).isGreaterThan(0.15);
        assertThat(worstError(c, heldOut)).isLessThan(0.08);
    }

    @Test
    void fit_fewerConfigurationsThanLeaveOneOutNeeds_correctsNothing() {
        assertThat(EndToEndCorrection.fit(layers, measured(3, 1), MODEL)).isEqualTo(EndToEndCorrection.NONE);
    }

    @Test
    void fit_aModelThatIsRight_keepsNoCorrectionOrAnInsignificantOne() {
        List<Calibrator.EndToEnd> exact = measured(12, 3).stream().map(e -> new Calibrator.EndToEnd(e.layers(),
                e.bits(), MODEL.applyAsDouble(e) * (1 + 0.005 * Math.sin(e.bits().hashCode())))).toList();

        EndToEndCorrection c = EndToEndCorrection.fit(layers, exact, MODEL);

        for (Calibrator.EndToEnd e : measured(20, 4)) {
            assertThat(Math.abs(c.ms(e.bits()))).isLessThan(0.02 * MODEL.applyAsDouble(e));
        }
    }
}
