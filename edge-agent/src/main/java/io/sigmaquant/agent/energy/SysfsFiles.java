package io.sigmaquant.agent.energy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one-value sysfs files. */
final class SysfsFiles {
    private SysfsFiles() {
    }

    static String text(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static double number(Path file) {
        return Double.parseDouble(text(file));
    }
}
