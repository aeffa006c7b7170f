package io.sigmaquant.controller.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.data.GeneratedInputs;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ranges measured once over every activation site serve each configuration as its own measurement would. */
class ActivationRangesTest {
    /** Verifies that the ranges of one configuration's sites, taken from the all-sites pass, are its own ranges. */
    @Test
    void of_sitesOfOneConfiguration_matchTheirOwnCalibration() throws Exception {
        ModelAnalysis analysis = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("resnet")));
        InputBatches images = GeneratedInputs.of(analysis.input(), Preprocessing.resolve(analysis.folded(), null,
                null, null), 64, GeneratedInputs.DEFAULT_SEED);
        ActivationRanges shared = new ActivationRanges(analysis, images, 1);
        List<Layer> some = analysis.layers().subList(1, 4);
        Set<String> sites = QdqExporter.ActivationSites.choose(analysis.folded().getGraph(), some);

        Map<String, ActivationCalibrator.Range> fromShared = shared.of(sites);
        Map<String, ActivationCalibrator.Range> own = ActivationCalibrator.ranges(analysis.folded(), analysis.input(),
                images, sites, 1);

        assertThat(fromShared.keySet()).isEqualTo(own.keySet());
        own.forEach((t, r) -> {
            // the same float model on the same inputs; only ONNX Runtime's fusion around other outputs may differ
            assertThat(fromShared.get(t).min()).as(t).isCloseTo(r.min(), within(1e-4f * Math.max(1, Math.abs(r.min()))));
            assertThat(fromShared.get(t).max()).as(t).isCloseTo(r.max(), within(1e-4f * Math.max(1, Math.abs(r.max()))));
        });
    }
}
