package io.sigmaquant.controller.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensitivityTest {
    static final List<Integer> BITS = List.of(2, 4, 8);
    static byte[] bytes;
    static ModelAnalysis analysis;
    static InputBatches calibration;

    @TempDir
    Path cacheDir;

    @BeforeAll
    static void load() throws Exception {
        bytes = Files.readAllBytes(Fixtures.model("resnet"));
        ModelProto m = OnnxModels.parse(bytes, "resnet");
        analysis = ModelAnalyzer.analyze(m);
        calibration = new InputBatches(DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB).limit(64),
                Preprocessing.resolve(m, null, null, null), analysis.input());
    }

    private SensitivityTable compute(SensitivityMode mode) {
        return new Sensitivity(new SensitivityCache(cacheDir)).compute(bytes, analysis, mode,
                mode == SensitivityMode.OUTPUTS ? calibration : null, BITS, 0);
    }

    @Test
    void compute_bothModes_twoBitsHurtMoreThanEightForEveryLayer() {
        for (SensitivityMode mode : SensitivityMode.values()) {
            SensitivityTable t = compute(mode);
            assertThat(t.layers()).hasSize(analysis.layers().size());
            for (int l = 0; l < t.layers().size(); l++) {
                assertThat(t.d(l, 8)).as(mode + " " + t.layers().get(l)).isGreaterThanOrEqualTo(0)
                        .isLessThan(t.d(l, 2));
            }
        }
    }

    @Test
    void compute_outputsMode_findsTheStemMoreSensitiveThanTheLastShortcut() {
        // NOTES.md: quantizing the stem alone to 2 bits costs most of the accuracy, a high-σ shortcut conv little
        SensitivityTable t = compute(SensitivityMode.OUTPUTS);
        assertThat(t.d("/stem/stem.0/Conv", 2)).isGreaterThan(10 * t.d("/layer3/shortcut/shortcut.0/Conv", 2));
    }

    /** Verifies that a second call reads the cache: a doctored cache entry comes back unchanged. */
    @Test
    void compute_secondCall_isServedFromTheDiskCache() throws Exception {
        compute(SensitivityMode.WEIGHTS);
        Path entry;
        try (Stream<Path> files = Files.list(cacheDir.resolve("sensitivity"))) {
            entry = files.filter(f -> f.getFileName().toString().contains("-weights-")).findFirst().orElseThrow();
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(entry.toFile());
        ((ArrayNode) doc.get("kl").get(0)).set(0, json.getNodeFactory().numberNode(12345.0));
        Files.write(entry, json.writeValueAsBytes(doc));

        assertThat(compute(SensitivityMode.WEIGHTS).kl()[0][0]).isEqualTo(12345.0);
    }

    @Test
    void compute_outputsModeWithoutData_isRefused() {
        assertThatThrownBy(() -> new Sensitivity(new SensitivityCache(cacheDir)).compute(bytes, analysis,
                SensitivityMode.OUTPUTS, null, BITS, 0)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("--data");
    }
}
