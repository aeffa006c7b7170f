package io.sigmaquant.controller.analysis;

import static io.sigmaquant.controller.testing.TestGraphs.intsAttr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.TestGraphs;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

class ModelAnalyzerTest {
    static final java.util.List<String> MODELS = Fixtures.MODELS;

    /**
     * Verifies acceptance point 2: inspect's total equals PyTorch's count of Conv/Linear weights and biases
     * plus one folded bias per BatchNorm channel, and differs from torch's total by exactly the BatchNorm
     * γ/β that folding removes minus those folded biases.
     */
    @ParameterizedTest
    @FieldSource("MODELS")
    void analyze_fixture_totalsMatchPyTorchCounts(String name) {
        JsonNode manifest = Fixtures.manifest(name);
        ModelAnalysis a = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model(name)));
        long torchParams = manifest.get("torchParams").asLong();
        long bnParams = manifest.get("torchBatchNormParams").asLong();
        assertThat(a.totalParams()).isEqualTo(manifest.get("foldedParams").asLong());
        assertThat(torchParams - a.totalParams()).isEqualTo(bnParams / 2); // γ,β per channel → one bias
        assertThat(a.layers()).hasSize(manifest.get("torchLayers").asInt());
        assertThat(a.layers().stream().filter(l -> l.op().equals("Conv"))).hasSize(manifest.get("torchConvLayers").asInt());
        assertThat(a.layers().stream().filter(l -> l.op().equals("Gemm")))
                .hasSize(manifest.get("torchLinearLayers").asInt());
        assertThat(a.layers()).allSatisfy(l -> {
            assertThat(l.sigma()).isPositive();
            assertThat(l.macs()).isGreaterThanOrEqualTo(l.weightParams());
        });
    }

    @Test
    void analyze_resnet_stemMacsFollowFromItsOutputShape() {
        ModelAnalysis a = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("resnet")));
        Layer stem = a.layers().get(0);
        // 16 output channels × 28×28 positions × (1 input channel × 3×3 kernel)
        assertThat(stem.outputShape()).containsExactly(1, 16, 28, 28);
        assertThat(stem.macs()).isEqualTo(16L * 28 * 28 * 9);
        Layer fc = a.layers().get(a.layers().size() - 1);
        assertThat(fc.op()).isEqualTo("Gemm");
        assertThat(fc.macs()).isEqualTo(64L * 10);
    }

    @Test
    void analyze_mobilenet_findsDepthwiseConvs() {
        ModelAnalysis a = ModelAnalyzer.analyze(OnnxModels.load(Fixtures.model("mobilenetv2")));
        assertThat(a.layers().stream().filter(Layer::depthwise)).hasSize(5);
        Layer dw = a.layers().stream().filter(Layer::depthwise).findFirst().orElseThrow();
        assertThat(dw.weightShape()[1]).isEqualTo(1);
        assertThat(dw.macs()).isEqualTo(dw.outputShape()[1] * dw.outputShape()[2] * dw.outputShape()[3] * 9);
    }

    @Test
    void analyze_matMulWithConstantWeightAndIdentityIndirection_isALayer() {
        ModelProto m = new TestGraphs().input("x", -1, 6).output("y", -1, 5)
                .randomInitializer("w", 6, 5)
                .node("Identity", "alias", new String[] {"w"}, new String[] {"w_alias"})
                .node("MatMul", "mm", new String[] {"x", "w_alias"}, new String[] {"y"}).model(17);
        ModelAnalysis a = ModelAnalyzer.analyze(m);
        assertThat(a.layers()).singleElement().satisfies(l -> {
            assertThat(l.op()).isEqualTo("MatMul");
            assertThat(l.channelAxis()).isEqualTo(1);
            assertThat(l.outputChannels()).isEqualTo(5);
            assertThat(l.macs()).isEqualTo(30);
            assertThat(l.weightInput()).isEqualTo("w_alias");
        });
    }

    @Test
    void analyze_matMulOfTwoActivations_isNotALayer() {
        ModelProto m = new TestGraphs().input("x", 1, 4).output("y", 1, 1)
                .node("Transpose", "t", new String[] {"x"}, new String[] {"xt"}, intsAttr("perm", 1, 0))
                .node("MatMul", "mm", new String[] {"x", "xt"}, new String[] {"y"}).model(17);
        assertThatThrownBy(() -> ModelAnalyzer.analyze(m)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("no quantizable layer");
    }

    @Test
    void analyze_symbolicSpatialDimension_isRefusedWithItsAxis() {
        ModelProto m = new TestGraphs().input("x", -1, 3, -1, 8).output("y", -1, 3, -1, 8)
                .node("Relu", "r", new String[] {"x"}, new String[] {"y"}).model(17);
        assertThatThrownBy(() -> ModelAnalyzer.analyze(m)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("axis 2");
    }

    /** What the packed size depends on: each layer's op, weights, biases and output channels. */
    private static List<String> sizes(List<Layer> layers) {
        return layers.stream().map(l -> l.op() + " " + l.weightParams() + "+" + l.biasParams() + " /"
                + l.outputChannels()).toList();
    }

    /** Verifies that counting a fixture's graph finds what its analysis finds, as far as size goes. */
    @ParameterizedTest
    @FieldSource("MODELS")
    void countLayers_fixture_sizesOfTheAnalysedLayers(String name) {
        ModelProto m = OnnxModels.load(Fixtures.model(name));

        assertThat(sizes(ModelAnalyzer.countLayers(m))).isEqualTo(sizes(ModelAnalyzer.analyze(m).layers()));
    }

    /**
     * Verifies that counting gives a bias-less Conv the bias folding its BatchNorm adds, and none to a Conv whose
     * BatchNorm does not fold (its output is read twice) — as the analysis does.
     */
    @Test
    void countLayers_convsIntoBatchNorms_countTheBiasesFoldingAdds() {
        TestGraphs g = new TestGraphs().input("x", -1, 3, 8, 8).output("y", -1, 4, 8, 8).output("r", -1, 4, 8, 8)
                .randomInitializer("w1", 4, 3, 3, 3).randomInitializer("w2", 4, 4, 1, 1);
        for (String s : new String[] {"1", "2"}) {
            g.initializer("gamma" + s, new long[] {4}, new float[] {1.5f, 0.5f, -0.7f, 2f})
                    .initializer("beta" + s, new long[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0f})
                    .initializer("mean" + s, new long[] {4}, new float[] {0.05f, -0.4f, 0.2f, 1f})
                    .initializer("var" + s, new long[] {4}, new float[] {0.9f, 2f, 0.3f, 0.01f});
        }
        ModelProto m = g.node("Conv", "c1", new String[] {"x", "w1"}, new String[] {"c1"}, intsAttr("pads", 1, 1, 1, 1))
                .node("BatchNormalization", "bn1", new String[] {"c1", "gamma1", "beta1", "mean1", "var1"},
                        new String[] {"b1"})
                .node("Conv", "c2", new String[] {"b1", "w2"}, new String[] {"c2"})
                .node("BatchNormalization", "bn2", new String[] {"c2", "gamma2", "beta2", "mean2", "var2"},
                        new String[] {"y"})
                .node("Relu", "side", new String[] {"c2"}, new String[] {"r"}).model(17);

        List<Layer> counted = ModelAnalyzer.countLayers(m);

        assertThat(sizes(counted)).containsExactly("Conv 108+4 /4", "Conv 16+0 /4");
        assertThat(sizes(counted)).isEqualTo(sizes(ModelAnalyzer.analyze(m).layers()));
    }
}
