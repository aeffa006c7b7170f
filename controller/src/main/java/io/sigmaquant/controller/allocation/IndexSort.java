package io.sigmaquant.controller.allocation;

/** Sorting of indices by a primitive key, without boxing: the search sorts thousands of states per layer. */
final class IndexSort {
    private IndexSort() {
    }

    /** The indices 0..size-1 ordered by ascending {@code keys[i]} (ties in no particular order). */
    static int[] by(double[] keys, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        sort(order, keys, 0, size - 1);
        return order;
    }

    private static void sort(int[] a, double[] keys, int lo, int hi) {
        while (hi - lo > 16) {
            double pivot = median(keys[a[lo]], keys[a[(lo + hi) >>> 1]], keys[a[hi]]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[a[i]] < pivot) {
                    i++;
                }
                while (keys[a[j]] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (j - lo < hi - i) { // recurse into the smaller side, loop on the larger
                sort(a, keys, lo, j);
                lo = i;
            } else {
                sort(a, keys, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) { // insertion sort for short runs
            int v = a[i];
            int j = i - 1;
            while (j >= lo && keys[a[j]] > keys[v]) {
                a[j + 1] = a[j--];
            }
            a[j + 1] = v;
        }
    }

    private static double median(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
