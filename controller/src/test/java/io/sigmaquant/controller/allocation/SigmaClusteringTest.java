package io.sigmaquant.controller.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SigmaClusteringTest {
    @Test
    void kMeans_threeSeparatedGroups_recoversThemInCentroidOrder() {
        double[] x = {5.1, 0.1, 9.9, 0.2, 5.0, 10.1, 0.15, 4.9};
        SigmaClustering.Clusters c = SigmaClustering.kMeans(x, 3);
        assertThat(c.clusterOf()).containsExactly(1, 0, 2, 0, 1, 2, 0, 1);
        assertThat(c.centroids()[0]).isLessThan(c.centroids()[1]).isLessThan(c.centroids()[2]);
    }

    /** Verifies exactness against brute force over every split of a small sorted sample. */
    @Test
    void kMeans_randomSmallInputs_matchBruteForceOptimum() {
        Random r = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 3 + r.nextInt(8);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
            }
            double[] sorted = x.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 1; k <= Math.min(3, n); k++) {
                assertThat(SigmaClustering.kMeans(x, k).sse()).isCloseTo(bruteForce(sorted, k, 0),
                        org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void bestByBic_clearGroups_picksTheirNumber() {
        Random r = new Random(5);
        double[] x = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = (i % 3) * 10 + 0.1 * r.nextGaussian();
        }
        assertThat(SigmaClustering.bestByBic(x, 5).k()).isEqualTo(3);
    }

    private static double bruteForce(double[] s, int k, int from) {
        if (k == 1) {
            return sse(s, from, s.length);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int cut = from + 1; cut <= s.length - (k - 1); cut++) {
            best = Math.min(best, sse(s, from, cut) + bruteForce(s, k - 1, cut));
        }
        return best;
    }

    private static double sse(double[] s, int from, int to) {
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += s[i];
        }
        mean /= to - from;
        double e = 0;
        for (int i = from; i < to; i++) {
            e += (s[i] - mean) * (s[i] - mean);
        }
        return e;
    }
}
