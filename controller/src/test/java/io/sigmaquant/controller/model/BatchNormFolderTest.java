package io.sigmaquant.controller.model;

import static io.sigmaquant.controller.testing.TestGraphs.floatAttr;
import static io.sigmaquant.controller.testing.TestGraphs.intsAttr;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.sigmaquant.controller.testing.OrtRun;
import io.sigmaquant.controller.testing.TestGraphs;
import org.junit.jupiter.api.Test;

/** Verifies that folding keeps the model's function (compared in ONNX Runtime) and removes the BatchNorm. */
class BatchNormFolderTest {

    private static TestGraphs convBn(boolean convBias) {
        TestGraphs g = new TestGraphs().input("x", -1, 3, 8, 8).output("y", -1, 4, 8, 8)
                .randomInitializer("w", 4, 3, 3, 3)
                .initializer("gamma", new long[] {4}, new float[] {1.5f, 0.5f, -0.7f, 2f})
                .initializer("beta", new long[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0f})
                .initializer("mean", new long[] {4}, new float[] {0.05f, -0.4f, 0.2f, 1f})
                .initializer("var", new long[] {4}, new float[] {0.9f, 2f, 0.3f, 0.01f});
        if (convBias) {
            g.randomInitializer("b", 4).node("Conv", "conv", new String[] {"x", "w", "b"}, new String[] {"c"},
                    intsAttr("pads", 1, 1, 1, 1));
        } else {
            g.node("Conv", "conv", new String[] {"x", "w"}, new String[] {"c"}, intsAttr("pads", 1, 1, 1, 1));
        }
        return g.node("BatchNormalization", "bn", new String[] {"c", "gamma", "beta", "mean", "var"},
                new String[] {"y"}, floatAttr("epsilon", 1e-3f));
    }

    @Test
    void fold_convWithAndWithoutBias_matchesUnfoldedOutputs() throws Exception {
        for (boolean bias : new boolean[] {false, true}) {
            ModelProto original = convBn(bias).model(17);
            ModelProto folded = BatchNormFolder.fold(original);
            assertThat(folded.getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly("Conv");
            assertThat(folded.getGraph().getNode(0).getInputCount()).isEqualTo(3);
            float[] x = OrtRun.randomInput(2 * 3 * 8 * 8, 11);
            float[] expected = OrtRun.run(original, "x", x, 2, 3, 8, 8);
            float[] actual = OrtRun.run(folded, "x", x, 2, 3, 8, 8);
            assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void fold_convOutputReadTwice_isLeftAlone() {
        ModelProto m = convBn(false).node("Relu", "side", new String[] {"c"}, new String[] {"r"})
                .output("r", -1, 4, 8, 8).model(17);
        ModelProto folded = BatchNormFolder.fold(m);
        assertThat(folded.getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Conv", "BatchNormalization", "Relu");
    }

    @Test
    void fold_unnamedNodes_getStableNames() {
        ModelProto m = new TestGraphs().input("x", 1, 4).output("y", 1, 4)
                .node("Relu", "", new String[] {"x"}, new String[] {"y"}).model(17);
        assertThat(BatchNormFolder.fold(m).getGraph().getNode(0).getName()).isEqualTo("Relu_0");
    }
}
