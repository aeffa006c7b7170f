package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Seeded allocation problems built to break greedy allocators, one family per trap, 5–300 layers and
 * bitwidths {2, 3, 4, 5, 6, 8, 32}. Every family draws layer sizes, sensitivities and σ at random, and costs
 * shaped as the cost models shape them: size from bits, latency and energy from the format the bits run as
 * (float, int8, int4; a layer's noise is per format) or, on a bit-serial accelerator, in proportion to bits.
 * What differs is the trap:
 * <ul>
 *   <li>{@link Family#SIGMA_AGAINST_SENSITIVITY}: σ falls as sensitivity rises, and the largest layer has the
 *       smallest σ and the highest sensitivity (the digits CNN that Phase 1 sent to 2 bits);</li>
 *   <li>{@link Family#NON_MONOTONE_D}: D(b) is noisy enough that more bits can cost accuracy (D(5) &gt; D(4));</li>
 *   <li>{@link Family#DOMINANT_LAYER}: one layer holds most of the size;</li>
 *   <li>{@link Family#SLOW_INT8}: size and latency budgets where sub-float formats are slower than float
 *       (weight-only int8 dequantizes at run time, int4 more so): size pushes bits down, latency pushes them
 *       up;</li>
 *   <li>{@link Family#TWO_BUDGETS}, {@link Family#THREE_BUDGETS}: size with latency, and with energy too;</li>
 *   <li>{@link Family#TIGHT}, {@link Family#LOOSE}: budgets just above the smallest total, or near the largest;</li>
 *   <li>{@link Family#UNIFORM_LEVELS}: a size budget at exactly the packed size of a uniform model, as the
 *       tradeoff benchmark and users set it.</li>
 * </ul>
 */
public final class ProblemCorpus {
    public static final int[] BITS = {2, 3, 4, 5, 6, 8, 32};

    /** What a problem is built to test. */
    public enum Family {
        BASELINE, SIGMA_AGAINST_SENSITIVITY, NON_MONOTONE_D, DOMINANT_LAYER, SLOW_INT8, TWO_BUDGETS, THREE_BUDGETS,
        TIGHT, LOOSE, UNIFORM_LEVELS;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One problem of the corpus and where it came from. */
    public record Entry(String family, long seed, AllocationProblem problem) {
    }

    private ProblemCorpus() {
    }

    /** {@code perFamily} problems of each family, seeds {@code 0..perFamily-1} within each. */
    public static List<Entry> generate(int perFamily, List<Family> families) {
        List<Entry> corpus = new ArrayList<>();
        for (Family f : families) {
            for (long seed = 0; seed < perFamily; seed++) {
                corpus.add(new Entry(f.id(), seed, generate(f, seed)));
            }
        }
        return corpus;
    }

    /** A problem of the family with 5–300 layers (log-uniform). */
    public static AllocationProblem generate(Family family, long seed) {
        Random r = new Random(seed * 1_000_003L + family.ordinal());
        int layers = (int) Math.round(Math.exp(Math.log(5) + r.nextDouble() * Math.log(300 / 5.0)));
        return generate(family, r, layers);
    }

    /** A problem of the family with a given number of layers (for timings). */
    public static AllocationProblem generate(Family family, long seed, int layers) {
        return generate(family, new Random(seed * 1_000_003L + family.ordinal() + 7919), layers);
    }

    private static AllocationProblem generate(Family family, Random r, int layers) {
        AllocationProblem open = layers(family, layers, r);
        return open.withBudgets(budgets(family, open, r));
    }

    private static AllocationProblem layers(Family family, int n, Random r) {
        List<String> names = new ArrayList<>();
        double[][] d = new double[n][BITS.length];
        double[][][] cost = new double[Resource.values().length][n][BITS.length];
        double[] sigma = new double[n];
        double[] params = new double[n];
        double[] sensitivity = new double[n];
        for (int l = 0; l < n; l++) {
            names.add("layer" + l);
            params[l] = Math.round(Math.exp(Math.log(100) + r.nextDouble() * Math.log(1e4)));
            sensitivity[l] = Math.exp(2 * r.nextGaussian());
            sigma[l] = Math.exp(r.nextGaussian() - 2);
        }
        int largest = 0;
        for (int l = 1; l < n; l++) {
            largest = params[l] > params[largest] ? l : largest;
        }
        if (family == Family.DOMINANT_LAYER) {
            double rest = 0;
            for (double v : params) {
                rest += v;
            }
            params[largest] = Math.round(rest * (2 + 18 * r.nextDouble()));
        }
        if (family == Family.SIGMA_AGAINST_SENSITIVITY) {
            for (int l = 0; l < n; l++) {
                sigma[l] = 0.05 / Math.sqrt(sensitivity[l]) * Math.exp(0.1 * r.nextGaussian());
            }
            double maxS = 0;
            double minSigma = Double.POSITIVE_INFINITY;
            for (int l = 0; l < n; l++) {
                maxS = Math.max(maxS, sensitivity[l]);
                minSigma = Math.min(minSigma, sigma[l]);
            }
            sensitivity[largest] = maxS * 4;
            sigma[largest] = minSigma / 4;
        }
        boolean bitSerial = family != Family.SLOW_INT8 && r.nextInt(4) == 0;
        double noise = family == Family.NON_MONOTONE_D ? 0.9 : 0.15;
        for (int l = 0; l < n; l++) {
            double macs = params[l] * (1 + r.nextInt(500));
            double slowdown = 1.2 + r.nextDouble();   // weight-only formats: dequantize, then float kernels
            // a layer's latency depends on the format its bits run as, not on the bits: sub-8-bit weights run as
            // int8 on CPUs (or dequantize from int4 where slow), so the measurement noise is per format
            double[] formatNoise = {0.9 + 0.2 * r.nextDouble(), 0.9 + 0.2 * r.nextDouble(), 0.9 + 0.2 * r.nextDouble()};
            for (int j = 0; j < BITS.length; j++) {
                int b = BITS[j];
                d[l][j] = b == 32 ? 0 : sensitivity[l] * Math.pow(4, -b) * Math.exp(noise * r.nextGaussian());
                cost[Resource.SIZE.ordinal()][l][j] = b == 32 ? 4 * params[l]
                        : Math.ceil(params[l] * b / 8.0) + 4 * Math.ceil(Math.sqrt(params[l]));
                int format = b == 32 ? 0 : b <= 4 ? 1 : 2;
                double perMac = family == Family.SLOW_INT8 ? (b == 32 ? 1 : slowdown * (b <= 4 ? 1.3 : 1))
                        : bitSerial ? b / 8.0 : (b == 32 ? 3.6 : 1.0);
                double jitter = bitSerial ? formatNoise[0] : formatNoise[format];
                cost[Resource.LATENCY.ordinal()][l][j] = 0.01 + macs * perMac * 1e-8 * jitter;
                cost[Resource.ENERGY.ordinal()][l][j] = macs * perMac * 2e-9 + params[l] * b / 8.0 * 1e-7;
            }
        }
        double[] remainder = {0, r.nextDouble(), 0.1 * r.nextDouble()};
        return new AllocationProblem(names, BITS, d, cost, remainder, sigma, Budgets.none());
    }

    private static Budgets budgets(Family family, AllocationProblem open, Random r) {
        List<Resource> budgeted = switch (family) {
            case SLOW_INT8 -> List.of(Resource.SIZE, Resource.LATENCY);
            case TWO_BUDGETS -> List.of(Resource.SIZE, Resource.LATENCY);
            case THREE_BUDGETS -> List.of(Resource.SIZE, Resource.LATENCY, Resource.ENERGY);
            default -> List.of(r.nextInt(4) == 0 ? Resource.LATENCY : Resource.SIZE);
        };
        Map<Resource, Double> limits = new EnumMap<>(Resource.class);
        for (Resource res : budgeted) {
            double min = open.minimum(res);
            double max = open.maximum(res);
            double fraction = switch (family) {
                // size pushes bits down, latency pushes toward float: leave latency room for a mix
                case SLOW_INT8 -> res == Resource.LATENCY ? 0.3 + 0.69 * r.nextDouble() : 0.02 + 0.9 * r.nextDouble();
                case TIGHT -> 0.001 + 0.05 * r.nextDouble();
                case LOOSE -> 0.8 + 0.199 * r.nextDouble();
                default -> 0.02 + 0.9 * r.nextDouble();
            };
            limits.put(res, min + (max - min) * fraction);
        }
        if (family == Family.UNIFORM_LEVELS) {
            int j = r.nextInt(BITS.length - 1);
            int[] uniform = new int[open.size()];
            java.util.Arrays.fill(uniform, j);
            limits.clear();
            limits.put(Resource.SIZE, open.total(Resource.SIZE, uniform));
        }
        return new Budgets(limits);
    }
}
