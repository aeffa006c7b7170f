package io.sigmaquant.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class DeviceProfilesTest {
    static final List<String> IDS = DeviceProfiles.BUNDLED;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @FieldSource("IDS")
    void load_bundledProfile_validatesAndCoversEveryAllowedBitwidth(String id) {
        DeviceProfile p = DeviceProfiles.load(id);
        assertThat(p.id()).isEqualTo(id);
        assertThat(p.hardware().cores()).isPositive();
        for (int b : p.allowedBits()) {
            FormatCost cost = p.costOf(p.formatOf(b));
            assertThat(cost.macsPerSecond()).isPositive();
            assertThat(cost.bytesPerSecond()).isPositive();
        }
    }

    @Test
    void bundled_listMatchesTheYamlFilesShipped() throws IOException {
        Path dir = Path.of("src/main/resources/io/sigmaquant/profiles");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5))).containsExactlyInAnyOrderElementsOf(IDS);
        }
    }

    @Test
    void load_shiftAddAsic_scalesWithBitsAndHasNoFloatChoice() {
        DeviceProfile p = DeviceProfiles.load("shift-add-asic");
        assertThat(p.costOf(p.formatOf(4)).scalesWithBits()).isTrue();
        assertThat(p.allowedBits()).doesNotContain(32);
    }

    private static String bundledYaml(String id) throws IOException {
        try (InputStream in = DeviceProfiles.class.getResourceAsStream(id + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path writeVariant(String name, String yaml) throws IOException {
        Path f = tmp.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void load_wrongType_namesFileFieldAndReason() throws IOException {
        Path f = writeVariant("raspberry-pi-4", bundledYaml("raspberry-pi-4").replace("cores: 4", "cores: four"));
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("hardware").hasMessageContaining("cores")
                .hasMessageContaining("integer");
    }

    @Test
    void load_missingRequiredField_isRejected() throws IOException {
        Path f = writeVariant("raspberry-pi-4", bundledYaml("raspberry-pi-4").replace("  minRuns: 50\n", ""));
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("measurement").hasMessageContaining("minRuns");
    }

    @Test
    void load_unknownFormat_isRejected() throws IOException {
        Path f = writeVariant("raspberry-pi-4", bundledYaml("raspberry-pi-4").replace("\"8\": w8a8", "\"8\": w9a9"));
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("formatOf");
    }

    @Test
    void load_bitwidthMappedToFormatWithoutCost_isRejected() throws IOException {
        String yaml = bundledYaml("raspberry-pi-4").replace("formats: [fp32, w8a8, weight-only-int8]",
                "formats: [fp32, w8a8, weight-only-int8, weight-only-int4]");
        Path f = writeVariant("raspberry-pi-4", yaml);
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("$.cost").hasMessageContaining("weight-only-int4");
    }

    @Test
    void load_idNotMatchingFileName_isRejected() throws IOException {
        Path f = writeVariant("my-board", bundledYaml("raspberry-pi-4"));
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("$.id");
    }

    @Test
    void load_notYaml_isRejected() throws IOException {
        Path f = writeVariant("broken", "id: [unclosed\n  name: x");
        assertThatThrownBy(() -> DeviceProfiles.load(f.toString())).isInstanceOf(ProfileException.class)
                .hasMessageContaining("YAML");
    }

    @Test
    void load_unknownId_listsTheBundledProfiles() {
        assertThatThrownBy(() -> DeviceProfiles.load("raspberry-pi-9")).isInstanceOf(ProfileException.class)
                .hasMessageContaining("jetson-nano");
    }
}
