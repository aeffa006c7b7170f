package io.sigmaquant.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.quant.BitConfig;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import io.sigmaquant.controller.runtime.OrtModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.protocol.message.JobResult;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ONNX Runtime profiles of the fixture, fp32 (NCHWc kernels) and W8A8 (fused integer kernels). */
class NodeAttributionTest {
    static ModelAnalysis analysis;
    static InputBatches calib;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        ModelProto m = OnnxModels.load(Fixtures.model("resnet"));
        analysis = ModelAnalyzer.analyze(m);
        calib = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB).limit(64),
                Preprocessing.resolve(m, null, null, null), analysis.input());
    }

    private List<String> layerNames() {
        return analysis.layers().stream().map(Layer::name).toList();
    }

    @Test
    void attribute_fp32Profile_givesEveryLayerItsNchwcKernel() throws Exception {
        List<JobResult.NodeTime> nodes = profile(analysis.folded());
        NodeAttribution.Attribution a = new NodeAttribution(analysis.folded().getGraph(), layerNames()).attribute(nodes);
        assertThat(a.layerMicros().keySet()).containsExactlyInAnyOrderElementsOf(layerNames());
        assertThat(a.layerMicros().values()).allMatch(us -> us > 0);
        assertThat(a.totalMicros()).isCloseTo(nodes.stream().mapToDouble(JobResult.NodeTime::micros).sum(), within(1e-6));
        assertThat(nodes).anyMatch(n -> n.node().endsWith("_nchwc")); // the renaming this class exists for
    }

    @Test
    void attribute_w8a8Profile_givesEveryLayerItsIntegerKernel() throws Exception {
        ModelProto w8a8 = QdqExporter.export(analysis, BitConfig.uniform(8).resolve(analysis),
                new ExportOptions(ActivationType.UINT8, 17, 1), calib).model();
        List<JobResult.NodeTime> nodes = profile(w8a8);
        NodeAttribution.Attribution a = new NodeAttribution(w8a8.getGraph(), layerNames()).attribute(nodes);
        assertThat(a.layerMicros().keySet()).containsExactlyInAnyOrderElementsOf(layerNames());
        assertThat(a.otherMicros()).isPositive(); // quantize/transpose/add kernels belong to no layer
    }

    /**
     * Verifies that a pooling kernel is charged to the layer before it: in a VGG whose first Conv stays float
     * and feeds integer layers, ONNX Runtime runs the MaxPool after it as a plain float kernel, and that cost
     * belongs to the first layer's choice of format.
     */
    @Test
    void attribute_poolAfterFloatLayer_chargedToThatLayer() throws Exception {
        ModelProto vggModel = OnnxModels.load(Fixtures.model("vgg"));
        ModelAnalysis vgg = ModelAnalyzer.analyze(vggModel);
        InputBatches vggCalib = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB).limit(64),
                Preprocessing.resolve(vggModel, null, null, null), vgg.input());
        Map<String, Integer> bits = new java.util.LinkedHashMap<>();
        vgg.layers().forEach(l -> bits.put(l.name(), 8));
        String first = vgg.layers().get(0).name();
        bits.put(first, 32);
        ModelProto mixed = QdqExporter.export(vgg, bits, new ExportOptions(ActivationType.UINT8, 17, 1), vggCalib).model();
        List<JobResult.NodeTime> nodes = profile(mixed);
        List<String> names = vgg.layers().stream().map(Layer::name).toList();
        NodeAttribution attribution = new NodeAttribution(mixed.getGraph(), names);
        List<JobResult.NodeTime> pools = nodes.stream().filter(n -> n.op().contains("MaxPool")).toList();
        assertThat(pools).isNotEmpty();
        JobResult.NodeTime firstPool = pools.stream().filter(n -> n.node().contains("features.3/MaxPool")).findFirst()
                .orElseThrow();
        assertThat(attribution.layerOf(firstPool.node())).contains(first);
        NodeAttribution.Attribution a = attribution.attribute(nodes);
        assertThat(a.layerMicros().get(first)).isGreaterThanOrEqualTo(firstPool.micros());
        assertThat(a.totalMicros()).isCloseTo(nodes.stream().mapToDouble(JobResult.NodeTime::micros).sum(), within(1e-6));
    }

    /** Per-node kernel µs of one profiled run after a warm-up, as the agent reports them. */
    private List<JobResult.NodeTime> profile(ModelProto model) throws Exception {
        String trace;
        try (OrtSession.SessionOptions opts = OrtModels.options(1)) {
            opts.enableProfiling(tmp.resolve("p").toString());
            try (OrtSession s = OrtModels.open(model, opts);
                 OnnxTensor x = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(calib.batch(0, 1)), calib.shape(1))) {
                s.run(Map.of("input", x)).close();
                s.run(Map.of("input", x)).close();
                trace = s.endProfiling();
            }
        }
        List<JobResult.NodeTime> nodes = new ArrayList<>();
        for (JsonNode e : new ObjectMapper().readTree(Files.readString(Path.of(trace)))) {
            String name = e.path("name").asText();
            if (e.path("cat").asText().equals("Node") && name.endsWith("_kernel_time")) {
                nodes.add(new JobResult.NodeTime(name.substring(0, name.length() - "_kernel_time".length()),
                        e.path("args").path("op_name").asText(), "cpu", e.path("dur").asDouble()));
            }
        }
        return nodes;
    }
}
