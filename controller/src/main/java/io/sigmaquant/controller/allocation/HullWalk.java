package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One resource's LP relaxation, solved exactly: every layer starts at its cheapest choice, then the segments of
 * the layers' lower convex hulls of (cost, w) are taken in order of slope until one does not fit. The slope of
 * that segment is the multiplier λ (0 when everything fits); the segments taken before it are the LP rounding.
 *
 * @param lambda   the maximiser of the one-dimensional Lagrangian (+∞ where even the cheapest choices overspend)
 * @param rounding the choices after the segments that fit
 */
record HullWalk(double lambda, int[] rounding) {
    static HullWalk walk(double[][] w, double[][] c, double capacity) {
        int n = w.length;
        int[] choice = new int[n];
        List<double[]> segments = new ArrayList<>(); // {slope, layer, to, Δcost}
        double spent = 0;
        for (int l = 0; l < n; l++) {
            int[] hull = lowerHull(w[l], c[l]);
            choice[l] = hull[0];
            spent += c[l][hull[0]];
            for (int h = 1; h < hull.length; h++) {
                double dc = c[l][hull[h]] - c[l][hull[h - 1]];
                double dw = w[l][hull[h]] - w[l][hull[h - 1]];
                segments.add(new double[] {dw / dc, l, hull[h], dc});
            }
        }
        double left = capacity - spent;
        if (left < -1e-12 * (Math.abs(capacity) + Math.abs(spent))) {
            return new HullWalk(Double.POSITIVE_INFINITY, choice); // L rises without bound along this line
        }
        segments.sort(Comparator.comparingDouble(s -> s[0]));
        for (double[] s : segments) {
            if (s[3] > left) {
                return new HullWalk(-s[0], choice);
            }
            choice[(int) s[1]] = (int) s[2];
            left -= s[3];
        }
        return new HullWalk(0, choice);
    }

    /**
     * The choices on the lower-left convex hull of one layer's (cost, w) points, from the cheapest (least w
     * among equal costs) to the least w: costs rise, w falls, and the slopes rise.
     */
    static int[] lowerHull(double[] w, double[] c) {
        Integer[] order = new Integer[w.length];
        for (int j = 0; j < w.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> c[j]).thenComparingDouble(j -> w[j]));
        int[] hull = new int[w.length];
        int size = 0;
        for (int j : order) {
            if (size > 0 && w[j] >= w[hull[size - 1]]) {
                continue; // costs at least as much and is no better: never on the hull
            }
            while (size >= 2 && !convex(hull[size - 2], hull[size - 1], j, w, c)) {
                size--;
            }
            hull[size++] = j;
        }
        return Arrays.copyOf(hull, size);
    }

    /** Whether b lies strictly below the segment from a to x (slope a→b less than slope b→x). */
    private static boolean convex(int a, int b, int x, double[] w, double[] c) {
        return (w[b] - w[a]) * (c[x] - c[b]) < (w[x] - w[b]) * (c[b] - c[a]);
    }
}
