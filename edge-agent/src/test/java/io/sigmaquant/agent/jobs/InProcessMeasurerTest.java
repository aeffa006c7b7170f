package io.sigmaquant.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.measure.MeasurementSettings;
import org.junit.jupiter.api.Test;

class InProcessMeasurerTest {
    private static final MeasurementSettings S = MeasurementSettings.builder().minRuns(10).minDurationMs(1_000)
            .build();

    @Test
    void withinDeadline_plentyOfTime_keepsTheDefaultCap() {
        assertThat(S.maxDurationMs()).isEqualTo(4_000);
        assertThat(InProcessMeasurer.withinDeadline(S, 60_000, false).maxDurationMs()).isEqualTo(4_000);
    }

    @Test
    void withinDeadline_closeDeadline_shortensTheCapMoreWhenPaired() {
        assertThat(InProcessMeasurer.withinDeadline(S, 6_000, false).maxDurationMs()).isEqualTo(3_000);
        assertThat(InProcessMeasurer.withinDeadline(S, 6_000, true).maxDurationMs()).isEqualTo(1_500);
        assertThat(InProcessMeasurer.withinDeadline(S, -5, false).maxDurationMs()).isEqualTo(1);
    }
}
