package io.sigmaquant.controller.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLinesTest {
    @Test
    void advance_manySmallSteps_printsAtMostOneLinePerTenthAndOneAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter lines = new ProgressLines(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        try (Progress p = lines.start("sensitivity", 126)) {
            for (int i = 0; i < 126; i++) {
                p.advance(1);
            }
        }

        String[] out = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(out).hasSize(10);
        assertThat(out[0]).startsWith("sensitivity: 13/126 (");
        assertThat(out[out.length - 1]).startsWith("sensitivity: 126/126 (").endsWith(" done");
    }

    @Test
    void close_beforeTheEnd_saysStopped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter lines = new ProgressLines(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        try (Progress p = lines.start("export", 4)) {
            p.advance(1);
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("export: 1/4").endsWith("stopped\n");
    }
}
