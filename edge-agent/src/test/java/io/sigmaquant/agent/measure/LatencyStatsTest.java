package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {
    @Test
    void of_hundredSamples_givesNearestRankPercentiles() {
        double[] samples = new double[100];
        for (int i = 0; i < 100; i++) {
            samples[99 - i] = i + 1; // 100..1, unsorted on purpose
        }
        LatencyStats stats = LatencyStats.of(samples);
        assertThat(stats.runs()).isEqualTo(100);
        assertThat(stats.medianMs()).isEqualTo(50.5);
        assertThat(stats.p90Ms()).isEqualTo(90);
        assertThat(stats.p99Ms()).isEqualTo(99);
        assertThat(stats.meanMs()).isEqualTo(50.5);
        assertThat(stats.cv()).isCloseTo(28.866 / 50.5, within(1e-3));
        assertThat(stats.medianCi()).isEqualTo(new MedianInterval(40, 61, false));
    }

    @Test
    void of_constantSamples_hasZeroSpread() {
        LatencyStats stats = LatencyStats.of(new double[] {2, 2, 2});
        assertThat(stats.cv()).isZero();
        assertThat(stats.p99Ms()).isEqualTo(2);
        assertThat(stats.medianCi().rangeOnly()).isTrue();
        assertThat(stats.relativeHalfWidth()).isZero();
        assertThat(stats.toWire(6, true).medianCiLowMs()).isEqualTo(2);
    }

    @Test
    void of_noSamples_isRefused() {
        assertThatThrownBy(() -> LatencyStats.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
