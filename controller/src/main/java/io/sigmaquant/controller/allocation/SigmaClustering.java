package io.sigmaquant.controller.allocation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Phase 1's clustering: exact 1-D k-means (dynamic programming over the sorted values, O(k·n²)), with k
 * chosen by BIC or fixed.
 */
public final class SigmaClustering {
    /** A clustering: cluster index per value, 0 = smallest centroid. */
    public record Clusters(int k, int[] clusterOf, double[] centroids, double sse) {
    }

    private SigmaClustering() {
    }

    /** Exact k-means for one k. */
    public static Clusters kMeans(double[] values, int k) {
        if (k < 1 || k > values.length) {
            throw new IllegalArgumentException("k must be in 1.." + values.length + ": " + k);
        }
        return new Table(values, k).clusters(k);
    }

    /**
     * The dynamic programme of exact 1-D k-means for every k up to kMax at once: row c holds the best split of
     * each prefix of the sorted values into c clusters, so k = 1..kMax cost one pass, not kMax.
     */
    private static final class Table {
        private final Integer[] order;
        private final double[] s1;
        private final double[] s2;
        private final double[][] cost;
        private final int[][] start;

        Table(double[] values, int kMax) {
            int n = values.length;
            order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> values[i]))
                    .toArray(Integer[]::new);
            s1 = new double[n + 1];
            s2 = new double[n + 1];
            for (int i = 0; i < n; i++) {
                double x = values[order[i]];
                s1[i + 1] = s1[i] + x;
                s2[i + 1] = s2[i] + x * x;
            }
            cost = new double[kMax + 1][n + 1];
            start = new int[kMax + 1][n + 1];
            for (double[] row : cost) {
                Arrays.fill(row, Double.POSITIVE_INFINITY);
            }
            cost[0][0] = 0;
            for (int c = 1; c <= kMax; c++) {
                for (int j = c; j <= n; j++) {           // first j sorted values in c clusters
                    for (int i = c; i <= j; i++) {       // last cluster holds values i-1 .. j-1
                        double v = cost[c - 1][i - 1] + sse(s1, s2, i - 1, j);
                        if (v < cost[c][j]) {
                            cost[c][j] = v;
                            start[c][j] = i - 1;
                        }
                    }
                }
            }
        }

        Clusters clusters(int k) {
            int n = order.length;
            int[] sortedCluster = new int[n];
            double[] centroids = new double[k];
            int end = n;
            for (int c = k; c >= 1; c--) {
                int from = start[c][end];
                centroids[c - 1] = (s1[end] - s1[from]) / (end - from);
                for (int i = from; i < end; i++) {
                    sortedCluster[i] = c - 1;
                }
                end = from;
            }
            int[] clusterOf = new int[n];
            for (int i = 0; i < n; i++) {
                clusterOf[order[i]] = sortedCluster[i];
            }
            return new Clusters(k, clusterOf, centroids, cost[k][n]);
        }
    }

    /**
     * k by the Bayesian information criterion of the hard-assignment 1-D Gaussian mixture with shared
     * variance: n·ln(SSE/n) − 2·Σ n_c·ln(n_c/n) + 2k·ln(n) (k means, k−1 weights, one variance),
     * minimised over 1..kMax. The mixing-weight term keeps it from splitting one Gaussian group in two.
     */
    public static Clusters bestByBic(double[] values, int kMax) {
        int n = values.length;
        double spread = Arrays.stream(values).max().orElse(0) - Arrays.stream(values).min().orElse(0);
        double floor = Math.max(1e-12, 1e-9 * spread * spread * n); // SSE 0 would give −∞
        Clusters best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        Table table = new Table(values, Math.min(kMax, n));
        for (int k = 1; k <= Math.min(kMax, n); k++) {
            Clusters c = table.clusters(k);
            int[] sizes = new int[k];
            for (int cluster : c.clusterOf()) {
                sizes[cluster]++;
            }
            double weights = 0;
            for (int size : sizes) {
                weights += size * Math.log((double) size / n);
            }
            double score = n * Math.log(Math.max(c.sse(), floor) / n) - 2 * weights + 2.0 * k * Math.log(n);
            if (score < bestScore - 1e-9) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static double sse(double[] s1, double[] s2, int from, int to) {
        int m = to - from;
        double sum = s1[to] - s1[from];
        return Math.max(0, (s2[to] - s2[from]) - sum * sum / m);
    }
}
