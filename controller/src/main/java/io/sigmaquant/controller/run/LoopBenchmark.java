package io.sigmaquant.controller.run;

import io.sigmaquant.controller.loop.ClosedLoop;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The optimize benchmarks: calibration quality on held-out random configurations, and how many measurements a
 * random search needs to meet the same budgets, against the loop's.
 */
public record LoopBenchmark(List<LoopIteration> heldOut, double medianAbsErrorMs, double maxAbsErrorMs,
                     double medianAbsErrorPercent, double maxAbsErrorPercent, double shareWithin5Percent,
                     double shareWithin10Percent, double medianCiHalfWidthPercent, int loopMeasurements,
                     int randomSearchLimit, int randomSearchMeasurements) {
    /** Offsets of the run's seed, so that reruns with one seed measure the same configurations. */
    static final long HOLDOUT_SEED = 7;
    static final long RANDOM_SEED = 11;

    /**
     * Runs the benchmarks asked for after the loop's {@code report}; 0 skips one.
     * Errors are against the drift-corrected latency the loop judges budgets on; the half-width is of the
     * held-out measurements' 95 % intervals, relative to their medians (NaN when the agent gave none).
     */
    public static LoopBenchmark run(ClosedLoop loop, LoopReport report, int holdout, int randomLimit, long seed)
            throws InterruptedException {
        List<LoopIteration> held = holdout > 0 ? holdOut(loop, holdout, seed * 31 + HOLDOUT_SEED) : List.of();
        double[] abs = held.stream().mapToDouble(i -> Math.abs(i.predictedMs() - i.correctedMs())).sorted().toArray();
        double[] rel = held.stream().mapToDouble(i -> 100 * i.predictionError()).sorted().toArray();
        double[] halfWidths = held.stream().filter(i -> Double.isFinite(i.ciLowMs()))
                .mapToDouble(i -> 100 * (i.ciHighMs() - i.ciLowMs()) / 2 / i.correctedMs()).sorted().toArray();
        int random = randomLimit > 0 ? randomSearch(loop, randomLimit, seed * 31 + RANDOM_SEED) : 0;
        return new LoopBenchmark(held, median(abs), max(abs), median(rel), max(rel), share(rel, 5), share(rel, 10),
                median(halfWidths), report.measurements(), randomLimit, random);
    }

    private static double share(double[] percentErrors, double within) {
        return percentErrors.length == 0 ? Double.NaN
                : Arrays.stream(percentErrors).filter(e -> e <= within).count() / (double) percentErrors.length;
    }

    /** Calibration quality: random configurations the loop never saw, each against the calibrated model. */
    static List<LoopIteration> holdOut(ClosedLoop loop, int count, long seed) throws InterruptedException {
        Random random = new Random(seed);
        List<LoopIteration> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(loop.measureAside(randomBits(loop, random), i + 1, IterationKind.HELD_OUT));
        }
        return out;
    }

    /**
     * Random configurations measured until one meets every budget (the loop's, as finally set), or {@code limit}
     * measurements; returns how many were needed, or -1.
     */
    static int randomSearch(ClosedLoop loop, int limit, long seed) throws InterruptedException {
        Random random = new Random(seed);
        for (int i = 1; i <= limit; i++) {
            if (loop.measureAside(randomBits(loop, random), i, IterationKind.RANDOM).meetsBudgets()) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Integer> randomBits(ClosedLoop loop, Random random) {
        List<Integer> allowed = loop.allowedBits();
        Map<String, Integer> bits = new LinkedHashMap<>();
        loop.model().layers().forEach(l -> bits.put(l.name(), allowed.get(random.nextInt(allowed.size()))));
        return bits;
    }

    public String summary() {
        StringBuilder s = new StringBuilder();
        if (!heldOut.isEmpty()) {
            s.append(String.format(Locale.ROOT, "held-out: %d random configurations, |predicted - measured| median %.3f ms "
                    + "(%.1f %%), max %.3f ms (%.1f %%); within 5 %%: %.0f %%, within 10 %%: %.0f %%; median 95 %% "
                    + "interval half-width %.1f %%%n", heldOut.size(), medianAbsErrorMs, medianAbsErrorPercent,
                    maxAbsErrorMs, maxAbsErrorPercent, 100 * shareWithin5Percent, 100 * shareWithin10Percent,
                    medianCiHalfWidthPercent));
        }
        if (randomSearchLimit > 0) {
            s.append(String.format(Locale.ROOT, "measurements to meet the budgets: closed loop %d, random search %s%n",
                    loopMeasurements, randomSearchMeasurements > 0 ? Integer.toString(randomSearchMeasurements)
                            : "none within " + randomSearchLimit));
        }
        return s.toString().stripTrailing();
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double max(double[] sorted) {
        return Arrays.stream(sorted).max().orElse(Double.NaN);
    }
}
