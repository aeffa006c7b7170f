package io.sigmaquant.controller.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KlEstimateTest {
    @Test
    void mean_noCovariate_isThePlainMeanWithTheFinitePopulationCorrection() {
        KlEstimate e = new KlEstimate(8, 0);
        double[] kl = {1, 2, 3, 4};
        for (double v : kl) {
            e.add(v, 0);
        }

        assertThat(e.mean()).isCloseTo(2.5, within(1e-12));
        // sample variance 5/3, n = 4, N = 8: sqrt(5/3 / 4 · (1 − 4/8))
        assertThat(e.standardError()).isCloseTo(Math.sqrt(5.0 / 3 / 4 * 0.5), within(1e-12));
    }

    @Test
    void mean_everyImageSeen_isExactlyThePlainMeanWithNoError() {
        KlEstimate e = new KlEstimate(3, 10.0 / 3);
        e.add(1, 1);
        e.add(5, 4);
        e.add(3, 5);

        assertThat(e.mean()).isEqualTo(3);
        assertThat(e.standardError()).isZero();
    }

    /** A KL that follows the covariate: the corrected estimate is closer to the population mean, its interval narrower. */
    @Test
    void mean_correlatedCovariate_correctsAnUnluckySampleAndNarrowsTheInterval() {
        Random r = new Random(7);
        int n = 64;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble();
            y[i] = 0.01 * (1 + 3 * x[i]) * (1 + 0.05 * r.nextGaussian());
        }
        double populationX = java.util.Arrays.stream(x).average().orElseThrow();
        double populationY = java.util.Arrays.stream(y).average().orElseThrow();
        // An unlucky sample: the 16 images with the largest covariate.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(x[b], x[a]));
        KlEstimate controlled = new KlEstimate(n, populationX);
        KlEstimate plain = new KlEstimate(n, 0);
        for (int k = 0; k < 16; k++) {
            controlled.add(y[order[k]], x[order[k]]);
            plain.add(y[order[k]], 0);
        }

        assertThat(Math.abs(controlled.mean() - populationY)).isLessThan(0.25 * Math.abs(plain.mean() - populationY));
        // On a random sample (the first 16), the interval is several times narrower than the plain mean's.
        KlEstimate randomControlled = new KlEstimate(n, populationX);
        KlEstimate randomPlain = new KlEstimate(n, 0);
        for (int i = 0; i < 16; i++) {
            randomControlled.add(y[i], x[i]);
            randomPlain.add(y[i], 0);
        }
        assertThat(randomControlled.standardError()).isLessThan(0.5 * randomPlain.standardError());
    }

    @Test
    void standardError_belowThreeImages_isInfinite() {
        KlEstimate e = new KlEstimate(64, 0);
        e.add(1, 0);
        e.add(2, 1);

        assertThat(e.standardError()).isInfinite();
    }
}
