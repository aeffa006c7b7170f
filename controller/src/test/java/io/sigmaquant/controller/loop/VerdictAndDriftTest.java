package io.sigmaquant.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The budget verdict on an interval, and the drift correction by the paired reference. */
class VerdictAndDriftTest {
    private static DriftCorrection.Corrected at(double ms, double low, double high) {
        return new DriftCorrection.Corrected(ms, low, high);
    }

    @Test
    void verdict_intervalBelowBudget_meetsWithConfidence() {
        assertThat(BudgetVerdict.of(true, at(0.9, 0.88, 0.95), 1.0)).isEqualTo(BudgetVerdict.MEETS_WITH_CONFIDENCE);
    }

    @Test
    void verdict_medianBelowButIntervalReachesAbove_meetsOnlyByTheMedian() {
        assertThat(BudgetVerdict.of(true, at(0.98, 0.95, 1.02), 1.0)).isEqualTo(BudgetVerdict.MEETS);
        assertThat(BudgetVerdict.of(true, at(0.98, Double.NaN, Double.NaN), 1.0)).isEqualTo(BudgetVerdict.MEETS);
    }

    @Test
    void verdict_medianAboveButIntervalReachesBelow_undecided() {
        assertThat(BudgetVerdict.of(true, at(1.02, 0.99, 1.05), 1.0)).isEqualTo(BudgetVerdict.UNDECIDED);
    }

    @Test
    void verdict_intervalAboveOrNoIntervalAbove_misses() {
        assertThat(BudgetVerdict.of(true, at(1.1, 1.05, 1.2), 1.0)).isEqualTo(BudgetVerdict.MISSES);
        assertThat(BudgetVerdict.of(true, at(1.1, Double.NaN, Double.NaN), 1.0)).isEqualTo(BudgetVerdict.MISSES);
    }

    @Test
    void verdict_sizeOrEnergyOver_missesWhateverTheLatency() {
        assertThat(BudgetVerdict.of(false, at(0.5, 0.4, 0.6), 1.0)).isEqualTo(BudgetVerdict.MISSES);
    }

    @Test
    void verdict_noLatencyBudget_meetsOnTheOthers() {
        assertThat(BudgetVerdict.of(true, at(5, 4, 6), Double.NaN)).isEqualTo(BudgetVerdict.MEETS_WITH_CONFIDENCE);
    }

    @Test
    void correct_pairedJobsOnADriftingBoard_giveTheRatioTimesTheReferencesTypicalLatency() {
        DriftCorrection drift = new DriftCorrection();
        // the float model: 2.0 ms when the board is calm
        drift.observe(new LatencyReading(2.0, 1.9, 2.1, Double.NaN, Double.NaN, Double.NaN, Double.NaN), true);
        // a candidate at 0.5 × float measured while the board runs 1.5× slower: both halves of the pair slow down
        LatencyReading slow = new LatencyReading(1.5, 1.45, 1.56, 3.0, 0.5, 0.49, 0.51);
        drift.observe(slow, false);
        // and one at calm: reference 2.0 again
        drift.observe(new LatencyReading(1.0, 0.98, 1.02, 2.0, 0.5, 0.49, 0.51), false);

        assertThat(drift.baselineMs()).isEqualTo(2.0); // median of 2.0, 3.0, 2.0
        DriftCorrection.Corrected c = drift.correct(slow, false);
        assertThat(c.ms()).isCloseTo(1.0, within(1e-12));
        assertThat(c.lowMs()).isCloseTo(0.98, within(1e-12));
        assertThat(c.highMs()).isCloseTo(1.02, within(1e-12));
    }

    @Test
    void correct_theReferenceMeasuredAlone_isTakenAtItsTypicalLatency() {
        DriftCorrection drift = new DriftCorrection();
        LatencyReading slowFloat = new LatencyReading(3.0, 2.9, 3.1, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        drift.observe(slowFloat, true);
        drift.observe(new LatencyReading(1.0, 0.98, 1.02, 2.0, 0.5, 0.49, 0.51), false);
        drift.observe(new LatencyReading(1.0, 0.98, 1.02, 2.0, 0.5, 0.49, 0.51), false);

        DriftCorrection.Corrected c = drift.correct(slowFloat, true);

        assertThat(c.ms()).isEqualTo(2.0);
        assertThat(c.lowMs()).isCloseTo(2.9 * 2 / 3, within(1e-12));
    }

    @Test
    void correct_unpairedJob_isTakenAsMeasured() {
        DriftCorrection drift = new DriftCorrection();
        drift.observe(new LatencyReading(2.0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                true);
        LatencyReading r = new LatencyReading(1.3, 1.2, 1.4, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        assertThat(drift.correct(r, false)).isEqualTo(new DriftCorrection.Corrected(1.3, 1.2, 1.4));
    }
}
