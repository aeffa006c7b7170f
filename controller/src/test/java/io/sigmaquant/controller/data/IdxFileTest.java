package io.sigmaquant.controller.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.testing.Fixtures;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path tmp;

    @Test
    void load_bundledSubsets_haveTheDocumentedSizes() {
        LabelledImages eval = DataDirectory.load(Fixtures.data(), DataDirectory.Split.EVAL);
        LabelledImages calib = DataDirectory.load(Fixtures.data(), DataDirectory.Split.CALIB);
        assertThat(eval.count()).isEqualTo(2000);
        assertThat(calib.count()).isEqualTo(512);
        assertThat(eval.imageDims()).containsExactly(28, 28);
        int[] perClass = new int[10];
        for (int i = 0; i < eval.count(); i++) {
            perClass[eval.label(i)]++;
        }
        assertThat(perClass).containsOnly(200);
    }

    @Test
    void load_gzippedFullDatasetNames_areFound() throws Exception {
        for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
            byte[] raw = Files.readAllBytes(Fixtures.data().resolve("eval-" + kind + "-ubyte"));
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("t10k-" + kind + "-ubyte.gz")))) {
                out.write(raw);
            }
        }
        LabelledImages images = DataDirectory.load(tmp, DataDirectory.Split.EVAL);
        assertThat(images.count()).isEqualTo(2000);
    }

    @Test
    void parse_badMagic_isRefused() {
        assertThatThrownBy(() -> IdxFile.parse(new byte[] {1, 2, 3, 4, 5}, "x")).isInstanceOf(UserInputException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void parse_truncatedData_isRefused() throws Exception {
        byte[] raw = Files.readAllBytes(Fixtures.data().resolve("calib-images-idx3-ubyte"));
        assertThatThrownBy(() -> IdxFile.parse(Arrays.copyOf(raw, raw.length - 10), "cut"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("truncated");
    }

    @Test
    void load_folderWithoutSplit_namesTheExpectedFiles() {
        assertThatThrownBy(() -> DataDirectory.load(tmp, DataDirectory.Split.CALIB))
                .isInstanceOf(UserInputException.class).hasMessageContaining("calib-images-idx3-ubyte");
    }
}
