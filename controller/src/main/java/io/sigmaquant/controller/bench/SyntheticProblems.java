package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded synthetic allocation problems shaped like real ones: D falls roughly as 4^-b with noise (so it is
 * not always monotone), size grows with bits, latency depends on the format (CPU-like: float 3.6× slower
 * than integer) or on bits (bit-serial). Used by property tests and the allocator benchmark.
 */
public final class SyntheticProblems {
    public static final int[] BITS = {2, 3, 4, 5, 6, 8, 32};

    private SyntheticProblems() {
    }

    /**
     * @param budgetFraction where each budget sits between the smallest and largest total (0..1); a negative
     *                       value draws, per resource, whether it is budgeted and where
     */
    public static AllocationProblem generate(long seed, int layers, double budgetFraction) {
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        double[][] d = new double[layers][BITS.length];
        double[][][] cost = new double[3][layers][BITS.length];
        double[] sigma = new double[layers];
        boolean bitSerial = r.nextBoolean();
        for (int l = 0; l < layers; l++) {
            names.add("layer" + l);
            sigma[l] = Math.exp(r.nextGaussian() - 2);
            double sensitivity = Math.exp(2 * r.nextGaussian());
            long params = 100 + r.nextInt(100_000);
            long macs = params * (1 + r.nextInt(500));
            for (int j = 0; j < BITS.length; j++) {
                int b = BITS[j];
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
            boolean budgeted = budgetFraction >= 0 ? res != Resource.ENERGY : r.nextDouble() < 0.6;
            double fraction = budgetFraction >= 0 ? budgetFraction : r.nextDouble();
            if (budgeted) {
                double min = open.minimum(res);
                limits.put(res, min + (open.maximum(res) - min) * fraction);
            }
        }
        return open.withBudgets(new Budgets(limits));
    }
}
