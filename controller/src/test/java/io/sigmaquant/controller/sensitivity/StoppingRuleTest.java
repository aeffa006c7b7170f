package io.sigmaquant.controller.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoppingRuleTest {
    /** 16 values alternating mean ± 0.4·mean: a coefficient of variation of about 0.41, as real per-image KLs. */
    private static KlEstimate estimate(double mean) {
        KlEstimate e = new KlEstimate(1_000_000, 0);
        for (int i = 0; i < 16; i++) {
            e.add(mean * (i % 2 == 0 ? 1.4 : 0.6), 0);
        }
        return e;
    }

    @Test
    void satisfiedBy_smallMeanOfASensitiveLayer_stopsByTheLayerShareOnly() {
        KlEstimate eightBits = estimate(1e-5);   // half-width ≈ 0.2·mean = 2e-6
        StoppingRule relativeOnly = new StoppingRule(0.10, 0, 16, 1);
        StoppingRule withShare = new StoppingRule(0.10, 0.005, 16, 1);

        assertThat(relativeOnly.satisfiedBy(eightBits, 1e-1)).isFalse();
        assertThat(withShare.satisfiedBy(eightBits, 1e-1)).isTrue();     // 2e-6 ≤ 0.005 · 0.1
        assertThat(withShare.satisfiedBy(eightBits, 1e-4)).isFalse();    // 2e-6 > 0.005 · 1e-4
    }

    @Test
    void satisfiedBy_tightRelativeInterval_stopsWithoutTheShare() {
        KlEstimate e = new KlEstimate(1_000_000, 0);
        for (int i = 0; i < 16; i++) {
            e.add(i % 2 == 0 ? 1.01 : 0.99, 0);
        }

        assertThat(new StoppingRule(0.10, 0, 16, 1).satisfiedBy(e, 1)).isTrue();
        assertThat(new StoppingRule(0.10, 0, 17, 1).satisfiedBy(e, 1)).as("too few images").isFalse();
    }

    @Test
    void satisfiedBy_exact_neverStops() {
        assertThat(StoppingRule.EXACT.exact()).isTrue();
        assertThat(StoppingRule.EXACT.satisfiedBy(estimate(1e-5), 1e9)).isFalse();
        assertThat(new StoppingRule(0, 0.005, 16, 1).exact()).as("the share alone may stop probes").isFalse();
    }

    @Test
    void id_differsByEveryBound() {
        assertThat(StoppingRule.DEFAULT.id()).isNotEqualTo(new StoppingRule(0.10, 0, 16, 20260227L).id())
                .isNotEqualTo(new StoppingRule(0.10, 0.005, 32, 20260227L).id());
        assertThat(StoppingRule.DEFAULT.describe()).contains("±10%").contains("±0.5%").contains("16 images");
    }

    @Test
    void constructor_negativeOrNaNBounds_areRefused() {
        assertThatThrownBy(() -> new StoppingRule(-0.1, 0, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoppingRule(0.1, Double.NaN, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoppingRule(0.1, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
