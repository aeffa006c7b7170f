package io.sigmaquant.controller.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.quant.PackedSize;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfiles;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PriorCostModelTest {
    static ModelAnalysis resnet;

    @BeforeAll
    static void load() {
        resnet = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("resnet")));
    }

    private static Layer biggestConv() {
        return resnet.layers().stream().filter(l -> l.op().equals("Conv"))
                .max(java.util.Comparator.comparingLong(Layer::macs)).orElseThrow();
    }

    @Test
    void cost_cpuProfile_integerFormatIsFasterThanFloatAndBitsBelowEightDoNotSpeedUp() {
        PriorCostModel m = new PriorCostModel(DeviceProfiles.load("raspberry-pi-5"), SizeBasis.PACKED);
        Layer conv = biggestConv();
        assertThat(m.cost(conv, 8).latencyMs()).isLessThan(m.cost(conv, 32).latencyMs());
        assertThat(m.cost(conv, 4).latencyMs()).isEqualTo(m.cost(conv, 8).latencyMs());
        assertThat(m.cost(conv, 4).sizeBytes()).isLessThan(m.cost(conv, 8).sizeBytes());
    }

    @Test
    void cost_bitSerialProfile_latencyAndEnergyGrowWithBits() {
        PriorCostModel m = new PriorCostModel(DeviceProfiles.load("shift-add-asic"), SizeBasis.PACKED);
        Layer conv = biggestConv();
        for (int b = 2; b < 8; b++) {
            assertThat(m.cost(conv, b).latencyMs()).isLessThan(m.cost(conv, b + 1).latencyMs());
            assertThat(m.cost(conv, b).energyMj()).isLessThan(m.cost(conv, b + 1).energyMj());
        }
    }

    @Test
    void cost_roofline_followsTheProfileNumbers() {
        var profile = DeviceProfiles.load("x86-64-generic");
        PriorCostModel m = new PriorCostModel(profile, SizeBasis.PACKED);
        Layer conv = biggestConv();
        var c = profile.costOf(profile.formatOf(32));
        double bytes = conv.weightParams() * 4.0 + 4.0 * conv.biasParams()
                + (conv.inputElements() + conv.outputElements()) * c.activationBytes();
        double seconds = c.layerOverheadUs() * 1e-6
                + Math.max(conv.macs() / c.macsPerSecond(), bytes / c.bytesPerSecond());
        assertThat(m.cost(conv, 32).latencyMs()).isCloseTo(seconds * 1e3, Offset.offset(1e-12));
    }

    @Test
    void sizeBasis_packedAndFile_sayWhatTheyMean() {
        Layer conv = biggestConv();
        assertThat(SizeBasis.PACKED.bytes(conv, 3)).isEqualTo(PackedSize.layerBytes(conv, 3));
        // file: one int8 byte a weight whatever b is, plus a scale and zero point per channel
        assertThat(SizeBasis.FILE.bytes(conv, 3)).isEqualTo(SizeBasis.FILE.bytes(conv, 8))
                .isEqualTo(conv.weightParams() + 5L * conv.outputChannels() + 4 * conv.biasParams());
        assertThat(SizeBasis.FILE.bytes(conv, 32)).isEqualTo(4 * conv.params());
    }
}
