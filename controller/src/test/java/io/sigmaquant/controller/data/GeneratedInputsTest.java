package io.sigmaquant.controller.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import org.junit.jupiter.api.Test;

class GeneratedInputsTest {
    static final Preprocessing UNIT = new Preprocessing(1.0 / 255.0, 0, 1, "default");
    static final ModelInput NCHW = new ModelInput("x", new long[] {-1, 3, 4, 5});

    @Test
    void of_sameSeed_sameInputs() {
        InputBatches a = GeneratedInputs.of(NCHW, UNIT, 8, 7);
        InputBatches b = GeneratedInputs.of(NCHW, UNIT, 8, 7);

        assertThat(a.batch(0, 8)).isEqualTo(b.batch(0, 8));
        assertThat(GeneratedInputs.of(NCHW, UNIT, 8, 8).batch(0, 8)).isNotEqualTo(a.batch(0, 8));
    }

    @Test
    void of_nchwInput_matchesTheSampleShape() {
        InputBatches in = GeneratedInputs.of(NCHW, UNIT, 6, 1);

        assertThat(in.count()).isEqualTo(6);
        assertThat(in.shape(2)).containsExactly(2, 3, 4, 5);
        assertThat(in.batch(0, 2)).hasSize(2 * 3 * 4 * 5);
    }

    @Test
    void of_singleChannelAndFlatInputs_matchTheirShapes() {
        assertThat(GeneratedInputs.of(new ModelInput("x", new long[] {1, 1, 28, 28}), UNIT, 2, 1).batch(0, 2))
                .hasSize(2 * 28 * 28);
        assertThat(GeneratedInputs.of(new ModelInput("x", new long[] {-1, 784}), UNIT, 2, 1).shape(2))
                .containsExactly(2, 784);
    }

    @Test
    void of_values_spanWhatPreprocessingMapsPixelsTo() {
        Preprocessing normalised = new Preprocessing(1.0 / 255.0, 0.286, 0.353, "metadata");

        float[] x = GeneratedInputs.of(NCHW, normalised, 200, 3).batch(0, 200);

        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertThat(lo).isEqualTo(normalised.apply(0));
        assertThat(hi).isEqualTo(normalised.apply(255));
    }

    @Test
    void of_unsupportedShape_isRefusedNamingTheInput() {
        assertThatThrownBy(() -> GeneratedInputs.of(new ModelInput("tokens", new long[] {-1, 4, 8}), UNIT, 2, 1))
                .isInstanceOf(UserInputException.class).hasMessageContaining("'tokens'")
                .hasMessageContaining("[?, 4, 8]");
    }
}
