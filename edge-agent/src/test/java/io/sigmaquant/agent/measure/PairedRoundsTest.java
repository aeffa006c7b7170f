package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Alternating rounds on a fake clock: the plumbing and the drift cancelling, exactly. */
class PairedRoundsTest {
    private final FakeRuns fake = new FakeRuns();
    private double drift = 1;

    private static MeasurementSettings settings(int minRuns, long capMs) {
        return MeasurementSettings.builder().minRuns(minRuns).maxDurationMs(capMs).build();
    }

    @Test
    void run_driftBetweenRounds_cancelsInTheRatio() {
        // the board slows by 10 % each round; candidate 3 ms, reference 2 ms at the starting speed
        PairedRounds p = PairedRounds.run(fake.session(() -> 3 * drift), fake.session(() -> 2 * drift),
                settings(30, 10_000), fake, () -> drift *= 1.1, () -> false);
        assertThat(p.ratio().ratio()).isCloseTo(1.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(p.ratio().ci().low()).isCloseTo(1.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(p.ratio().ci().high()).isCloseTo(1.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(p.ratioReached()).isTrue();
        // while each model's own median moved far beyond ±2 %
        assertThat(p.candidate().stats().relativeHalfWidth()).isGreaterThan(0.1);
        assertThat(p.candidate().targetReached()).isFalse();
    }

    @Test
    void run_minimums_areMetForBothModelsInWholeRounds() {
        PairedRounds p = PairedRounds.run(fake.session(() -> 3), fake.session(() -> 2), settings(30, 10_000), fake,
                () -> { }, () -> false);
        // blocks of ⌈30 / 6⌉ = 5 runs; 6 rounds reach 30 runs each
        assertThat(p.ratio().rounds()).isEqualTo(PairedRounds.MIN_ROUNDS);
        assertThat(p.candidate().samplesMs()).hasSize(30);
        assertThat(p.reference().samplesMs()).hasSize(30);
        assertThat(p.candidate().windowMs()).isEqualTo(90.0);
        assertThat(p.reference().windowMs()).isEqualTo(60.0);
        assertThat(p.windowMs()).isEqualTo(150.0);
    }

    @Test
    void run_ratioThatNeverSettles_stopsAtTwiceTheCap() {
        int[] round = {0};
        PairedRounds p = PairedRounds.run(fake.session(() -> round[0] % 2 == 0 ? 1 : 3), fake.session(() -> 1),
                settings(6, 100), fake, () -> round[0]++, () -> false);
        assertThat(p.ratioReached()).isFalse();
        assertThat(p.windowMs()).isGreaterThanOrEqualTo(200);
        assertThat(p.ratio().ci().low()).isLessThanOrEqualTo(p.ratio().ratio());
        assertThat(p.ratio().ci().high()).isGreaterThanOrEqualTo(p.ratio().ratio());
    }
}
