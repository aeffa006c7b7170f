package io.sigmaquant.controller.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelsTest {
    @TempDir
    Path tmp;

    @Test
    void load_fixture_readsOpsetAndPreprocessingMetadata() {
        ModelProto m = OnnxModels.load(Fixtures.model("resnet"));
        assertThat(OnnxModels.defaultOpset(m)).isEqualTo(17);
        assertThat(OnnxModels.metadata(m, "sigmaquant.preprocess.std")).isEqualTo("0.353");
    }

    @Test
    void load_textFile_isRefusedAsNotOnnx() throws Exception {
        Path f = tmp.resolve("notes.onnx");
        Files.writeString(f, "this is a text file, not a model\n".repeat(20), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OnnxModels.load(f)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("notes.onnx").hasMessageContaining("ONNX");
    }

    @Test
    void load_truncatedModel_isRefused() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.model("resnet"));
        Path f = tmp.resolve("cut.onnx");
        Files.write(f, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> OnnxModels.load(f)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("cut.onnx");
    }

    @Test
    void load_opsetOutOfRange_namesTheOpsetAndTheRange() throws Exception {
        for (int opset : new int[] {12, 22}) {
            ModelProto m = OnnxModels.load(Fixtures.model("resnet"));
            ModelProto changed = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(opset)).build();
            Path f = tmp.resolve("opset" + opset + ".onnx");
            Files.write(f, changed.toByteArray());
            assertThatThrownBy(() -> OnnxModels.load(f)).isInstanceOf(UserInputException.class)
                    .hasMessageContaining("opset " + opset).hasMessageContaining("13..21");
        }
    }

    @Test
    void load_missingFile_saysNotFound() {
        assertThatThrownBy(() -> OnnxModels.load(tmp.resolve("nope.onnx"))).isInstanceOf(UserInputException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void load_nanWeight_isRefusedNamingTheInitializer() throws Exception {
        Path f = tmp.resolve("nan.onnx");
        String initializer = Fixtures.withNaNWeight(f);

        assertThatThrownBy(() -> OnnxModels.load(f)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("nan.onnx").hasMessageContaining("'" + initializer + "'")
                .hasMessageContaining("non-finite");
    }
}
