package io.sigmaquant.controller.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    @Test
    void resolve_fixtureMetadata_isUsed() {
        Preprocessing p = Preprocessing.resolve(OnnxModels.load(Fixtures.model("resnet")), null, null, null);
        assertThat(p.source()).isEqualTo("metadata");
        assertThat(p.apply(255)).isEqualTo((float) ((1.0 - 0.286) / 0.353));
    }

    @Test
    void resolve_flags_overrideMetadataOneByOne() {
        Preprocessing p = Preprocessing.resolve(OnnxModels.load(Fixtures.model("resnet")), null, 0.0, 1.0);
        assertThat(p.source()).isEqualTo("flags");
        assertThat(p.scale()).isEqualTo(1.0 / 255.0);
        assertThat(p.apply(255)).isEqualTo(1f);
    }

    @Test
    void resolve_noMetadataNoFlags_scalesToUnitRange() {
        ModelProto bare = OnnxModels.load(Fixtures.model("resnet")).toBuilder().clearMetadataProps().build();
        Preprocessing p = Preprocessing.resolve(bare, null, null, null);
        assertThat(p.source()).isEqualTo("default");
        assertThat(p.apply(255)).isEqualTo(1f);
    }

    @Test
    void constructor_nonPositiveStd_isRefused() {
        assertThatThrownBy(() -> new Preprocessing(1, 0, 0, "flags")).isInstanceOf(UserInputException.class)
                .hasMessageContaining("std");
    }
}
