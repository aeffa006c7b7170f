package io.sigmaquant.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that a profile's optional {@code gpu} section is read, validated, and absent where not given. */
class GpuProfileTest {
    @TempDir
    Path tmp;

    private static String bundledYaml(String id) throws IOException {
        try (InputStream in = DeviceProfiles.class.getResourceAsStream(id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The Orin Nano with its gpu section replaced by {@code gpu}. */
    private Path orinWithGpu(String gpu) throws IOException {
        String yaml = bundledYaml("jetson-orin-nano");
        int at = yaml.indexOf("gpu:\n");
        int end = yaml.indexOf("\ncost:", at);
        Path f = tmp.resolve("jetson-orin-nano.yaml");
        Files.writeString(f, yaml.substring(0, at) + gpu + yaml.substring(end + 1));
        return f;
    }

    @Test
    void load_jetsonOrinNano_hasFp16AndInt8OnTensorrt() {
        DeviceProfile.Gpu gpu = DeviceProfiles.load("jetson-orin-nano").gpu();
        assertThat(gpu.provider()).isEqualTo(ExecutionProvider.TENSORRT);
        assertThat(gpu.formats()).containsExactly(GpuFormat.FP16, GpuFormat.INT8);
    }

    @Test
    void load_jetsonNano_hasFp16OnlyOnTensorrt() {
        DeviceProfile.Gpu gpu = DeviceProfiles.load("jetson-nano").gpu();
        assertThat(gpu.provider()).isEqualTo(ExecutionProvider.TENSORRT);
        assertThat(gpu.formats()).containsExactly(GpuFormat.FP16);
        assertThat(gpu.note()).contains("CUDA");
    }

    @Test
    void load_profileWithoutGpu_hasNone() {
        assertThat(DeviceProfiles.load("raspberry-pi-5").gpu()).isNull();
        assertThat(DeviceProfiles.load("x86-64-generic").gpu()).isNull();
    }

    @Test
    void load_gpuOnCpuProvider_isRejectedNamingTheField() throws IOException {
        Path f = orinWithGpu("gpu:\n  provider: cpu\n  formats: [fp16]\n");
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("gpu").hasMessageContaining("provider");
    }

    @Test
    void load_unknownGpuFormat_isRejectedNamingTheField() throws IOException {
        Path f = orinWithGpu("gpu:\n  provider: tensorrt\n  formats: [fp16, fp8]\n");
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("gpu").hasMessageContaining("formats");
    }

    @Test
    void load_gpuWithoutFormats_isRejected() throws IOException {
        Path f = orinWithGpu("gpu:\n  provider: tensorrt\n  formats: []\n");
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("gpu").hasMessageContaining("formats");
    }

    @Test
    void load_int8OnCuda_isRejectedNamingTensorrt() throws IOException {
        Path f = orinWithGpu("gpu:\n  provider: cuda\n  formats: [fp16, int8]\n");
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("$.gpu.formats").hasMessageContaining("tensorrt");
    }

    @Test
    void load_fp16OnCuda_isAccepted() throws IOException {
        Path f = orinWithGpu("gpu:\n  provider: cuda\n  formats: [fp16]\n");
        assertThat(DeviceProfiles.load(f.toString()).gpu().provider()).isEqualTo(ExecutionProvider.CUDA);
    }

    @Test
    void executionProvider_unknownId_namesTheChoicesInOneLine() {
        assertThatThrownBy(() -> ExecutionProvider.of("foo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown execution provider 'foo'; choose one of cpu, cuda, tensorrt");
    }
}
