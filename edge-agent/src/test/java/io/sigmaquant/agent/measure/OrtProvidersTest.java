package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.profiles.ExecutionProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verifies provider selection against the real ONNX Runtime of the build: the official jar, which has the CPU
 * provider only — exactly what an agent on a Jetson without its own ONNX Runtime build has.
 */
class OrtProvidersTest {
    @Test
    void available_officialJar_isTheCpuOnly() {
        assertThat(OrtProviders.available()).containsExactly("CPU");
    }

    @Test
    void choose_cpu_usesTheCpuWithoutWarning() {
        ProviderChoice c = OrtProviders.choose(ExecutionProvider.CPU);
        assertThat(c.used()).isEqualTo(ExecutionProvider.CPU);
        assertThat(c.usedName()).isEqualTo("CPU");
        assertThat(c.warning()).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionProvider.class, names = {"CUDA", "TENSORRT"})
    void choose_gpuProviderMissingFromTheJar_fallsBackToTheCpuWithOneLineNamingItAndTheRemedy(ExecutionProvider p) {
        ProviderChoice c = OrtProviders.choose(p);
        assertThat(c.requested()).isEqualTo(p);
        assertThat(c.used()).isEqualTo(ExecutionProvider.CPU);
        assertThat(c.usedName()).isEqualTo("CPU");
        assertThat(c.available()).containsExactly("CPU");
        assertThat(c.warning()).doesNotContain("\n").startsWith("execution provider " + p.id() + ": ")
                .contains("not in this ONNX Runtime (it offers CPU)", "measuring on the CPU instead",
                        "--ort-native-path", "Deploy an agent to a Jetson");
    }

    /** The second way a provider can be missing: ONNX Runtime itself refuses to add it to a session. */
    @ParameterizedTest
    @EnumSource(value = ExecutionProvider.class, names = {"CUDA", "TENSORRT"})
    void append_gpuProviderMissingFromTheJar_isRefusedByOnnxRuntime(ExecutionProvider p) {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            assertThatThrownBy(() -> OrtProviders.append(opts, p)).isInstanceOf(OrtException.class)
                    .hasMessageContaining("shared provider");
        }
    }

    @Test
    void append_cpu_addsNothingAndSucceeds() throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            OrtProviders.append(opts, ExecutionProvider.CPU);
        }
    }

    @Test
    void ortName_eachProvider_isOnnxRuntimesName() {
        assertThat(OrtProviders.ortName(ExecutionProvider.CPU)).isEqualTo("CPU");
        assertThat(OrtProviders.ortName(ExecutionProvider.CUDA)).isEqualTo("CUDA");
        assertThat(OrtProviders.ortName(ExecutionProvider.TENSORRT)).isEqualTo("TENSOR_RT");
    }

    @Test
    void providerChoice_fallbackWithoutWarning_isRefused() {
        assertThatThrownBy(() -> new ProviderChoice(ExecutionProvider.CUDA, ExecutionProvider.CPU,
                java.util.List.of("CPU"), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
