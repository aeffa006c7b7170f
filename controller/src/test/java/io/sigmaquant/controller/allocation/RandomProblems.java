package io.sigmaquant.controller.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.EnumMap;
import java.util.Random;

/** Seeded random allocation problems shaped like real ones: D falls with bits, size grows with them. */
final class RandomProblems {
    static final int[] BITS = {2, 3, 4, 5, 6, 8, 32};

    private RandomProblems() {
    }

    static AllocationProblem generate(long seed) {
        Random r = new Random(seed);
        int n = 2 + r.nextInt(30);
        List<String> names = new ArrayList<>();
        double[][] d = new double[n][BITS.length];
        double[][][] cost = new double[3][n][BITS.length];
        double[] sigma = new double[n];
        boolean bitSerial = r.nextBoolean();
        for (int l = 0; l < n; l++) {
            names.add("layer" + l);
            sigma[l] = Math.exp(r.nextGaussian() - 2);
            double sensitivity = Math.exp(2 * r.nextGaussian());
            long params = 100 + r.nextInt(100_000);
            long macs = params * (1 + r.nextInt(500));
            for (int j = 0; j < BITS.length; j++) {
                int b = BITS[j];
                // roughly 4^-b, with noise that can make D non-monotone between neighbours
                d[l][j] = b == 32 ? 0 : sensitivity * Math.pow(4, -b) * (0.7 + 0.6 * r.nextDouble());
                cost[Resource.SIZE.ordinal()][l][j] = Math.ceil(params * b / 8.0) + (b == 32 ? 0 : 4);
                double perMac = bitSerial ? b / 8.0 : (b == 32 ? 3.6 : 1.0);
                cost[Resource.LATENCY.ordinal()][l][j] = 0.01 + macs * perMac * 1e-8 * (0.9 + 0.2 * r.nextDouble());
                cost[Resource.ENERGY.ordinal()][l][j] = macs * perMac * 2e-9 + params * b / 8.0 * 1e-7;
            }
        }
        double[] remainder = {0, r.nextDouble(), 0.1 * r.nextDouble()};
        AllocationProblem open = new AllocationProblem(names, BITS, d, cost, remainder, sigma, Budgets.none());
        Map<Resource, Double> limits = new EnumMap<>(Resource.class);
        for (Resource res : Resource.values()) {
            if (r.nextDouble() < 0.6) {
                double min = open.minimum(res);
                double max = open.maximum(res);
                limits.put(res, min + (max - min) * r.nextDouble());
            }
        }
        return open.withBudgets(new Budgets(limits));
    }
}
