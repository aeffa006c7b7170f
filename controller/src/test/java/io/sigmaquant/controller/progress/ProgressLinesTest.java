package io.sigmaquant.controller.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressLinesTest {
    private final StringWriter text = new StringWriter();
    /** Reminders far beyond any test's length: only the lines at the start and the end are checked. */
    private final ProgressReporter lines = new ProgressLines(new PrintWriter(text), Duration.ofDays(1));

    @Test
    void advance_manySmallSteps_printsAtMostOneLinePerTenthAndOneAtTheEnd() {
        try (Progress p = lines.start("sensitivity", 126)) {
            for (int i = 0; i < 126; i++) {
                p.advance(1);
            }
        }

        String[] out = text.toString().split("\n");
        assertThat(out).hasSize(10);
        assertThat(out[0]).startsWith("sensitivity: 13/126 (");
        assertThat(out[out.length - 1]).startsWith("sensitivity: 126/126 (").endsWith(" done");
    }

    @Test
    void close_beforeTheEnd_saysStopped() {
        try (Progress p = lines.start("export", 4)) {
            p.advance(1);
        }

        assertThat(text.toString()).contains("export: 1/4").endsWith("stopped\n");
    }

    @Test
    void close_beforeTheFirstUnit_printsNothing() {
        try (Progress p = lines.start("quantize", 10)) {
            assertThat(p).isNotNull(); // refused before any layer
        }

        assertThat(text.toString()).isEmpty();
    }

    @Test
    void close_aWaitThatEnded_saysWaitedAndDone() {
        try (Progress p = lines.start("agent of class x86", ProgressReporter.UNKNOWN_TOTAL)) {
            p.advance(1);
        }

        assertThat(text.toString().split("\n")).hasSize(2).satisfiesExactly(
                first -> assertThat(first).startsWith("agent of class x86: waiting ("),
                last -> assertThat(last).startsWith("agent of class x86: waited (").endsWith(" done"));
    }

    @Test
    void close_aWaitThatNeverEnded_saysStopped() {
        try (Progress p = lines.start("measurement", ProgressReporter.UNKNOWN_TOTAL)) {
            assertThat(p).isNotNull(); // given up: nothing arrived
        }

        assertThat(text.toString()).contains("measurement: waiting (").endsWith(" stopped\n");
    }
}
