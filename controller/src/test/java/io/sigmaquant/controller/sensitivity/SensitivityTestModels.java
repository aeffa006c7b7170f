package io.sigmaquant.controller.sensitivity;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.model.GraphEdit;
import io.sigmaquant.controller.testing.TestGraphs;

/**
 * A small graph with what the fixtures lack, for the sliced-sensitivity tests: a residual Add whose branch
 * starts before the probed layer, a BatchNormalization after a Relu (kept as a node: only Conv→BN folds),
 * a MatMul layer and a Gemm layer. Input [batch, 3, 8, 8], output [batch, 5].
 */
final class SensitivityTestModels {
    private SensitivityTestModels() {
    }

    static ModelProto branchy() {
        TestGraphs g = new TestGraphs().input("x", -1, 3, 8, 8).output("logits", -1, 5)
                .randomInitializer("w1", 4, 3, 3, 3).randomInitializer("w2", 4, 4, 3, 3)
                .initializer("gamma", new long[] {4}, new float[] {1.1f, 0.9f, 1.3f, 0.7f})
                .initializer("beta", new long[] {4}, new float[] {0.1f, -0.2f, 0f, 0.3f})
                .initializer("mean", new long[] {4}, new float[] {0.2f, 0.1f, 0.3f, 0f})
                .initializer("var", new long[] {4}, new float[] {1.2f, 0.8f, 1f, 0.5f})
                .randomInitializer("wm", 4, 6).randomInitializer("wg", 5, 6).randomInitializer("bg", 5)
                .node("Conv", "conv1", new String[] {"x", "w1"}, new String[] {"c1"}, TestGraphs.intsAttr("pads", 1, 1, 1, 1))
                .node("Relu", "relu1", new String[] {"c1"}, new String[] {"r1"})
                .node("BatchNormalization", "bn", new String[] {"r1", "gamma", "beta", "mean", "var"},
                        new String[] {"b1"})
                .node("Conv", "conv2", new String[] {"b1", "w2"}, new String[] {"c2"}, TestGraphs.intsAttr("pads", 1, 1, 1, 1))
                .node("Add", "residual", new String[] {"c2", "r1"}, new String[] {"a"})
                .node("GlobalAveragePool", "gap", new String[] {"a"}, new String[] {"p"})
                .node("Flatten", "flatten", new String[] {"p"}, new String[] {"f"})
                .node("MatMul", "mm", new String[] {"f", "wm"}, new String[] {"m"})
                .node("Relu", "relu2", new String[] {"m"}, new String[] {"m2"})
                .node("Gemm", "gemm", new String[] {"m2", "wg", "bg"}, new String[] {"logits"},
                        GraphEdit.intAttr("transB", 1));
        return g.model(17);
    }
}
