package io.sigmaquant.controller.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies acceptance point 4 from ONNX Runtime's own profile: a W8A8 model runs integer kernels. */
class IntegerKernelProfileTest {
    @TempDir
    Path tmp;

    @Test
    void profile_w8a8Resnet_runsQLinearConvWhereFp32RunsConv() throws Exception {
        ModelProto fp32 = OnnxModels.load(Fixtures.model("resnet"));
        ModelAnalysis a = ModelAnalyzer.analyze(fp32);
        InputBatches calib = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB),
                Preprocessing.resolve(fp32, null, null, null), a.input());
        ModelProto w8a8 = QdqExporter.export(a, BitConfig.uniform(8).resolve(a),
                new ExportOptions(ActivationType.forHost(), 17, 1), calib).model();

        Set<String> fp32Ops = profiledOps(fp32, calib, "fp32");
        Set<String> intOps = profiledOps(w8a8, calib, "w8a8");

        assertThat(fp32Ops).contains("Conv").doesNotContain("QLinearConv");
        assertThat(intOps).contains("QLinearConv").doesNotContain("Conv");
    }

    private Set<String> profiledOps(ModelProto model, InputBatches data, String prefix) throws Exception {
        String trace;
        try (OrtSession.SessionOptions opts = OrtModels.options(1)) {
            opts.enableProfiling(tmp.resolve(prefix).toString());
            try (OrtSession s = OrtModels.open(model, opts);
                 OnnxTensor x = OnnxTensor.createTensor(OrtModels.env(), FloatBuffer.wrap(data.batch(0, 1)), data.shape(1))) {
                s.run(Map.of("input", x)).close();
                trace = s.endProfiling();
            }
        }
        Set<String> ops = new HashSet<>();
        for (JsonNode event : new ObjectMapper().readTree(Files.readString(Path.of(trace)))) {
            if (event.path("cat").asText().equals("Node") && event.path("name").asText().endsWith("_kernel_time")) {
                ops.add(event.path("args").path("op_name").asText());
            }
        }
        return ops;
    }
}
