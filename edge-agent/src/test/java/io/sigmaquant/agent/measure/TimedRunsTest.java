package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stop rule, on a fake clock: exact counts, no timing. */
class TimedRunsTest {
    private final FakeRuns fake = new FakeRuns();

    private static MeasurementSettings settings(int minRuns, long minMs, long capMs) {
        return MeasurementSettings.builder().minRuns(minRuns).minDurationMs(minMs).maxDurationMs(capMs).build();
    }

    @Test
    void run_steadyModel_stopsAtTheMinimumsWithTheTargetReached() {
        TimedRuns r = TimedRuns.run(fake.session(() -> 2.0), settings(20, 30, 1_000), fake, () -> false);
        assertThat(r.samplesMs()).hasSize(20); // 20 runs × 2 ms = 40 ms ≥ 30 ms: both minimums at once
        assertThat(r.targetReached()).isTrue();
        assertThat(r.stats().medianCi().low()).isEqualTo(2.0);
        assertThat(r.windowMs()).isEqualTo(40.0);
    }

    @Test
    void run_minimumDurationLongerThanTheCount_runsUntilTheDuration() {
        TimedRuns r = TimedRuns.run(fake.session(() -> 2.0), settings(5, 100, 1_000), fake, () -> false);
        assertThat(r.samplesMs()).hasSize(50);
    }

    @Test
    void run_noisyModel_measuresOnUntilTheIntervalIsNarrowEnough() {
        AtomicInteger i = new AtomicInteger();
        // values spread evenly over 1..3 ms: the interval narrows like 1/√n, and ±2 % needs a few thousand runs
        TimedRuns r = TimedRuns.run(fake.session(() -> 1 + (i.getAndIncrement() * 0.618034) % 2), settings(20, 0,
                60_000), fake, () -> false);
        assertThat(r.targetReached()).isTrue();
        assertThat(r.samplesMs().length).isGreaterThan(20);
        assertThat(r.stats().relativeHalfWidth()).isLessThanOrEqualTo(0.02);
        assertThat(r.stats().medianCi().low()).isLessThanOrEqualTo(r.stats().medianMs());
        assertThat(r.stats().medianCi().high()).isGreaterThanOrEqualTo(r.stats().medianMs());
    }

    @Test
    void run_noisyModelAndAShortCap_stopsAtTheCapAndSaysTheTargetWasMissed() {
        AtomicInteger i = new AtomicInteger();
        TimedRuns r = TimedRuns.run(fake.session(() -> i.getAndIncrement() % 2 == 0 ? 1.0 : 3.0), settings(10, 0, 100),
                fake, () -> false);
        assertThat(r.targetReached()).isFalse();
        assertThat(r.windowMs()).isGreaterThanOrEqualTo(100).isLessThan(110);
    }

    @Test
    void run_capShorterThanTheMinimum_neverCutsTheMinimum() {
        TimedRuns r = TimedRuns.run(fake.session(() -> 1.0), settings(300, 0, 10), fake, () -> false);
        assertThat(r.samplesMs()).hasSize(300);
    }

    @Test
    void run_cancelled_stopsWithCancelledException() {
        assertThatThrownBy(() -> TimedRuns.run(fake.session(() -> 1.0), settings(10, 0, 10), fake, () -> true))
                .isInstanceOf(Measurer.CancelledException.class);
    }
}
