package io.sigmaquant.controller.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoppingRuleTest {
    /** 16 values alternating around 1 by ±spread, no covariate, out of a large population. */
    private static KlEstimate estimate(double spread) {
        KlEstimate e = new KlEstimate(1_000_000, 0);
        for (int i = 0; i < 16; i++) {
            e.add(i % 2 == 0 ? 1 + spread : 1 - spread, 0);
        }
        return e;
    }

    @Test
    void satisfiedBy_intervalWithinTheBound_stops() {
        // half-width 1.96 · 0.0103 / 4 ≈ 0.005 of the mean 1
        assertThat(new StoppingRule(0.10, 16, 1).satisfiedBy(estimate(0.01))).isTrue();
        assertThat(new StoppingRule(0.004, 16, 1).satisfiedBy(estimate(0.01))).isFalse();
    }

    @Test
    void satisfiedBy_wideInterval_goesOn() {
        // a coefficient of variation near 0.41, as per-image KLs of a random-init network: half-width ≈ 0.2
        assertThat(new StoppingRule(0.10, 16, 1).satisfiedBy(estimate(0.4))).isFalse();
    }

    @Test
    void satisfiedBy_fewerImagesThanTheMinimum_goesOn() {
        assertThat(new StoppingRule(0.10, 17, 1).satisfiedBy(estimate(0.01))).isFalse();
    }

    @Test
    void satisfiedBy_exact_neverStops() {
        assertThat(StoppingRule.EXACT.exact()).isTrue();
        assertThat(StoppingRule.EXACT.satisfiedBy(estimate(0))).isFalse();
    }

    @Test
    void id_differsByEveryBound() {
        assertThat(StoppingRule.DEFAULT.id()).isNotEqualTo(new StoppingRule(0.10, 32, 20260227L).id())
                .isNotEqualTo(new StoppingRule(0.05, 16, 20260227L).id())
                .isNotEqualTo(new StoppingRule(0.10, 16, 1L).id());
        assertThat(StoppingRule.DEFAULT.describe()).contains("±10%").contains("16 images");
        assertThat(StoppingRule.EXACT.describe()).isEmpty();
    }

    @Test
    void constructor_negativeOrNaNBound_isRefused() {
        assertThatThrownBy(() -> new StoppingRule(-0.1, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoppingRule(Double.NaN, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoppingRule(0.1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
