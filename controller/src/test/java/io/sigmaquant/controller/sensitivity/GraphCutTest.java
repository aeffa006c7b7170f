package io.sigmaquant.controller.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.model.Tensors;
import io.sigmaquant.controller.runtime.OrtModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.OrtRun;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GraphCutTest {
    private static final int BATCH = 3;

    /**
     * Verifies that, for every layer, the suffix model fed with the float model's cut activations and the
     * layer's float weight gives the full model's output: residual branches that start before the layer,
     * Gemm and MatMul weights, a BatchNormalization kept as a node.
     */
    @ParameterizedTest
    @ValueSource(strings = {"branchy", "resnet", "vgg", "mobilenetv2"})
    void suffixModel_onCachedActivations_equalsTheFullRun(String name) throws Exception {
        ModelAnalysis analysis = ModelAnalyzer.analyze(load(name));
        ModelProto model = analysis.folded();
        GraphCut cut = new GraphCut(model.getGraph());
        long[] shape = analysis.input().withBatch(BATCH);
        float[] x = OrtRun.randomInput((int) Tensors.elementCount(java.util.Arrays.stream(shape).boxed().toList()), 11);
        float[] full = OrtRun.run(model, analysis.input().name(), x, shape);
        ConstantResolver constants = new ConstantResolver(model.getGraph());
        for (Layer layer : analysis.layers()) {
            NodeProto node = node(model, layer.name());
            List<String> tensors = cut.cut(cut.suffix(node), Set.of(layer.weightInput()));
            List<String> activations = tensors.stream().filter(t -> !t.equals(analysis.input().name())).toList();
            Map<String, float[]> values = new HashMap<>();
            Map<String, long[]> shapes = new HashMap<>();
            if (!activations.isEmpty()) {
                run(cut.segmentModel(model, activations, Set.of()), Map.of(analysis.input().name(), x),
                        Map.of(analysis.input().name(), shape), values, shapes);
            }
            values.put(analysis.input().name(), x);
            shapes.put(analysis.input().name(), shape);
            values.put("w", Tensors.toFloats(constants.resolve(layer.weightInput()).orElseThrow()));
            shapes.put("w", layer.weightShape());
            ModelProto suffix = cut.suffixModel(model, node, layer.weightInput(), "w", layer.weightShape());
            Map<String, float[]> out = new HashMap<>();
            run(suffix, values, shapes, out, new HashMap<>());

            assertThat(out.get(model.getGraph().getOutput(0).getName())).as(name + " " + layer.name())
                    .containsExactly(full, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void cut_convInsideAResidualBlock_includesTheSkipActivation() throws Exception {
        ModelProto model = ModelAnalyzer.analyze(load("branchy")).folded();
        GraphCut cut = new GraphCut(model.getGraph());

        List<String> tensors = cut.cut(cut.suffix(node(model, "conv2")), Set.of("w2"));

        assertThat(tensors).containsExactlyInAnyOrder("b1", "r1");
        assertThat(cut.suffix(node(model, "conv2"))).extracting(NodeProto::getName)
                .containsExactly("conv2", "residual", "gap", "flatten", "mm", "relu2", "gemm");
    }

    static ModelProto load(String name) throws Exception {
        return name.equals("branchy") ? SensitivityTestModels.branchy()
                : OnnxModels.parse(Files.readAllBytes(Fixtures.model(name)), name);
    }

    private static NodeProto node(ModelProto model, String name) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    /** Runs a model on the named inputs it declares and collects every output by name. */
    private static void run(ModelProto model, Map<String, float[]> values, Map<String, long[]> shapes,
                            Map<String, float[]> out, Map<String, long[]> outShapes) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (OrtSession.SessionOptions opts = OrtModels.options(1); OrtSession s = OrtModels.open(model, opts)) {
            for (var in : model.getGraph().getInputList()) {
                feeds.put(in.getName(), OnnxTensor.createTensor(OrtModels.env(),
                        FloatBuffer.wrap(values.get(in.getName())), shapes.get(in.getName())));
            }
            try (OrtSession.Result r = s.run(feeds)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                    outShapes.put(e.getKey(), t.getInfo().getShape());
                }
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
