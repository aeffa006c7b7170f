package io.sigmaquant.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Verifies that a GPU format is read by its id, and a wrong one is refused naming the choices, as providers are. */
class GpuFormatTest {
    @Test
    void of_knownId_isTheFormat() {
        assertThat(GpuFormat.of("int8")).isEqualTo(GpuFormat.INT8);
    }

    @Test
    void of_unknownId_isRefusedNamingValueAndChoices() {
        assertThatThrownBy(() -> GpuFormat.of("fp8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown GPU format 'fp8'; choose one of fp16, int8");
    }
}
