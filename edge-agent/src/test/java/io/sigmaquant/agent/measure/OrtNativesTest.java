package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the checks on {@code --ort-native-path}: each failure is one line naming the folder and what is missing.
 * (Loading from a folder is verified in a fresh JVM: {@code cli.OrtNativePathIT}.)
 */
class OrtNativesTest {
    @TempDir
    Path tmp;

    @Test
    void check_missingFolder_saysSoInOneLine() {
        Path dir = tmp.resolve("nowhere");
        assertThatThrownBy(() -> OrtNatives.check(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ort-native-path " + dir + ": no such directory");
    }

    @Test
    void check_aFileInsteadOfAFolder_isRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("libonnxruntime.so"), "");
        assertThatThrownBy(() -> OrtNatives.check(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such directory");
    }

    @Test
    void check_emptyFolder_namesLibonnxruntime() {
        assertThatThrownBy(() -> OrtNatives.check(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--ort-native-path " + tmp + " holds no " + System.mapLibraryName("onnxruntime")
                        + " ").message().doesNotContain("\n");
    }

    @Test
    void check_withoutTheJavaBinding_namesItsLibrary() throws IOException {
        Files.writeString(tmp.resolve(System.mapLibraryName("onnxruntime")), "");
        assertThatThrownBy(() -> OrtNatives.check(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no " + System.mapLibraryName("onnxruntime4j_jni"));
    }

    @Test
    void check_bothLibraries_returnsTheAbsoluteFolder() throws IOException {
        Files.writeString(tmp.resolve(System.mapLibraryName("onnxruntime")), "");
        Files.writeString(tmp.resolve(System.mapLibraryName("onnxruntime4j_jni")), "");
        Path relative = Path.of("").toAbsolutePath().relativize(tmp);
        assertThat(OrtNatives.check(relative)).isEqualTo(tmp.toAbsolutePath());
    }
}
