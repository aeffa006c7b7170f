package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttLoginTest {
    @TempDir
    Path dir;

    @Test
    void withPasswordFile_firstLineWithoutTrailingNewline_isThePassword() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cret \nignored\n");
        MqttLogin login = MqttLogin.withPasswordFile(null, "board-1", file);
        assertThat(new String(login.password(), StandardCharsets.UTF_8)).isEqualTo("s3cret");
        assertThat(login.username()).isEqualTo("board-1");
    }

    @Test
    void toString_withPassword_neverShowsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cret");
        assertThat(MqttLogin.withPasswordFile(null, "board-1", file).toString()).doesNotContain("s3cret");
    }

    @Test
    void withPasswordFile_emptyOrMissingFile_isRefusedNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> MqttLogin.withPasswordFile(null, "u", empty)).hasMessageContaining(empty.toString());
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> MqttLogin.withPasswordFile(null, "u", missing)).hasMessageContaining(missing.toString());
    }

    @Test
    void password_withoutUsername_isRefused() {
        assertThatThrownBy(() -> new MqttLogin(null, null, new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}
