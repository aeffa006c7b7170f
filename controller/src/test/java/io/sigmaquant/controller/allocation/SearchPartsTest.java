package io.sigmaquant.controller.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The parts the bounded search's proofs rest on, each against brute force on small random inputs: the hull
 * walk's multiplier maximises the one-budget Lagrangian and never exceeds the integer optimum; the completion
 * profile is that LP as a function of capacity; dominance drops only dominated states (and, for one and two
 * resources, all of them); the index sort sorts.
 */
class SearchPartsTest {
    private final Random random = new Random(11);

    @RepeatedTest(50)
    void hullWalk_randomLayers_multiplierMaximisesTheLagrangianBelowTheIntegerOptimum() {
        int n = 1 + random.nextInt(5);
        int m = 2 + random.nextInt(4);
        double[][] w = randomMatrix(n, m, 1);
        double[][] c = randomMatrix(n, m, 10);
        double min = Arrays.stream(c).mapToDouble(row -> Arrays.stream(row).min().orElseThrow()).sum();
        double max = Arrays.stream(c).mapToDouble(row -> Arrays.stream(row).max().orElseThrow()).sum();
        double capacity = min + random.nextDouble() * (max - min);

        HullWalk walk = HullWalk.walk(w, c, capacity);

        double best = lagrangian(w, c, capacity, walk.lambda());
        for (double lambda = 1e-4; lambda < 1e4; lambda *= 1.07) {
            assertThat(lagrangian(w, c, capacity, lambda)).isLessThanOrEqualTo(best + 1e-9);
        }
        assertThat(best).isLessThanOrEqualTo(bruteForce(w, c, capacity) + 1e-9);
        assertThat(total(c, walk.rounding())).isLessThanOrEqualTo(capacity + 1e-9);
    }

    @RepeatedTest(30)
    void completionProfile_anyCapacity_isTheLpOfTheLayersItHolds() {
        int n = 1 + random.nextInt(6);
        int m = 2 + random.nextInt(4);
        double[][] w = randomMatrix(n, m, 1);
        double[][] c = randomMatrix(n, m, 10);
        CompletionProfile profile = CompletionProfile.EMPTY;
        for (int l = n - 1; l >= 0; l--) {
            profile = profile.with(w[l], c[l]);
        }
        double min = Arrays.stream(c).mapToDouble(row -> Arrays.stream(row).min().orElseThrow()).sum();
        for (double capacity = min; capacity < min + 10 * n; capacity += 0.37) {
            double lp = lagrangian(w, c, capacity, HullWalk.walk(w, c, capacity).lambda());
            assertThat(profile.value(capacity)).isCloseTo(lp, within(1e-9 * Math.max(1, Math.abs(lp))));
        }
        assertThat(profile.value(min - 1)).isInfinite();
    }

    @Test
    void withoutDominated_randomStates_dropsOnlyDominatedOnesAndAllOfThemUpToTwoResources() {
        for (int k = 1; k <= 3; k++) {
            for (int trial = 0; trial < 40; trial++) {
                SearchStates states = new SearchStates(k, 8);
                int size = 1 + random.nextInt(60);
                for (int i = 0; i < size; i++) {
                    double[] cost = new double[k];
                    for (int r = 0; r < k; r++) {
                        cost[r] = random.nextInt(8);
                    }
                    states.add(random.nextInt(8), 0, 0, cost, 0, i, 0);
                }
                SearchStates kept = states.withoutDominated();
                for (int i = 0; i < states.size; i++) {
                    if (!containsParent(kept, states.parent[i])) {
                        assertThat(dominatedByKept(states, i, kept)).as("k=%d: a dropped state is dominated", k).isTrue();
                    }
                }
                if (k <= 2) {
                    for (int a = 0; a < kept.size; a++) {
                        for (int b = 0; b < kept.size; b++) {
                            assertThat(a != b && dominates(kept, b, kept, a)).as("k=%d: kept states", k).isFalse();
                        }
                    }
                }
            }
        }
    }

    @RepeatedTest(20)
    void indexSort_randomKeysWithTies_ordersLikeArraysSort() {
        int n = random.nextInt(200);
        double[] keys = new double[n + 5];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextInt(20) - 10 + (random.nextBoolean() ? 0.5 : 0);
        }
        int[] order = IndexSort.by(keys, n);
        double[] sorted = Arrays.copyOf(keys, n);
        Arrays.sort(sorted);
        assertThat(Arrays.stream(order).mapToDouble(i -> keys[i]).toArray()).containsExactly(sorted);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
    }

    private double[][] randomMatrix(int n, int m, double scale) {
        double[][] a = new double[n][m];
        for (double[] row : a) {
            for (int j = 0; j < m; j++) {
                row[j] = scale * random.nextDouble();
            }
        }
        return a;
    }

    private static double lagrangian(double[][] w, double[][] c, double capacity, double lambda) {
        double v = -lambda * capacity;
        for (int l = 0; l < w.length; l++) {
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < w[l].length; j++) {
                min = Math.min(min, w[l][j] + lambda * c[l][j]);
            }
            v += min;
        }
        return v;
    }

    private static double bruteForce(double[][] w, double[][] c, double capacity) {
        int n = w.length;
        int m = w[0].length;
        double best = Double.POSITIVE_INFINITY;
        int[] x = new int[n];
        for (long code = 0; code < Math.pow(m, n); code++) {
            long rest = code;
            for (int l = 0; l < n; l++) {
                x[l] = (int) (rest % m);
                rest /= m;
            }
            if (total(c, x) <= capacity) {
                double v = 0;
                for (int l = 0; l < n; l++) {
                    v += w[l][x[l]];
                }
                best = Math.min(best, v);
            }
        }
        return best;
    }

    private static double total(double[][] c, int[] x) {
        double t = 0;
        for (int l = 0; l < x.length; l++) {
            t += c[l][x[l]];
        }
        return t;
    }

    private static boolean containsParent(SearchStates kept, int parent) {
        for (int i = 0; i < kept.size; i++) {
            if (kept.parent[i] == parent) {
                return true;
            }
        }
        return false;
    }

    private static boolean dominatedByKept(SearchStates all, int i, SearchStates kept) {
        for (int s = 0; s < kept.size; s++) {
            if (dominates(kept, s, all, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether state a of {@code as} has no more D and no more of any resource than state b of {@code bs}. */
    private static boolean dominates(SearchStates as, int a, SearchStates bs, int b) {
        if (as.d[a] > bs.d[b]) {
            return false;
        }
        for (int r = 0; r < as.k; r++) {
            if (as.cost(a, r) > bs.cost(b, r)) {
                return false;
            }
        }
        return true;
    }
}
