package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.loop.IterationKind;
import org.junit.jupiter.api.Test;

class IterationCountTest {
    @Test
    void next_calibrationThenChosen_countsOnlyWhatTheLimitCounts() {
        IterationCount count = new IterationCount(8);

        assertThat(count.next(IterationKind.CALIBRATION)).isEmpty();
        assertThat(count.next(IterationKind.CANDIDATE)).isEqualTo(", iteration 1 of 8");
        assertThat(count.next(IterationKind.EXPLORATION)).isEqualTo(", iteration 2 of 8");
        assertThat(count.next(IterationKind.HELD_OUT)).isEmpty();
    }
}
