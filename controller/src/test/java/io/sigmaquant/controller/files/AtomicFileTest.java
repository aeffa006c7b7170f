package io.sigmaquant.controller.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that atomic writes replace the whole file, leave no temp file and set the permissions asked for. */
class AtomicFileTest {
    @TempDir
    Path tmp;

    private static String permissions(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void write_resultFile_isReadableByAllAndReplacesTheOld() throws Exception {
        Path target = tmp.resolve("out").resolve("result.json");
        AtomicFile.write(target, "old and longer".getBytes());

        AtomicFile.write(target, "new".getBytes());

        assertThat(target).hasContent("new");
        assertThat(permissions(target)).isEqualTo("rw-r--r--");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void writeOwnerOnly_keyFile_isOwnerOnlyEvenWhenReplacingAReadableFile() throws Exception {
        Path target = tmp.resolve("board.key");
        AtomicFile.write(target, "public".getBytes());

        AtomicFile.writeOwnerOnly(target, "secret".getBytes());

        assertThat(target).hasContent("secret");
        assertThat(permissions(target)).isEqualTo("rw-------");
    }
}
