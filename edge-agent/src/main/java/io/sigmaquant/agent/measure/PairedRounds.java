package io.sigmaquant.agent.measure;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Paired measurement against drift (ABAB): each round times a block of candidate runs, then a block of
 * reference runs. Rounds go on until each model has its minimum runs and minimum timed duration and there are
 * at least {@value #MIN_ROUNDS} rounds, then until the ratio's 95 % interval is within the CI target or the loop
 * has run twice the cap (two models share it); {@code maxRuns} bounds each model's runs.
 *
 * @param candidate    the candidate's runs over all rounds; its window is the sum of its runs
 * @param reference    the reference's runs over all rounds; its window is the sum of its runs
 * @param windowMs     the whole loop, both models
 * @param ratioReached whether the ratio's interval reached the CI target before the cap
 */
public record PairedRounds(TimedRuns candidate, TimedRuns reference, double windowMs, RoundRatio ratio,
                           boolean ratioReached) {
    /** Below this many rounds the ratio's interval is only the range of the rounds ({@link MedianInterval}). */
    public static final int MIN_ROUNDS = MedianInterval.MIN_SAMPLES;
    /** Runs per block at least; blocks also grow with minRuns so that the minimum takes about MIN_ROUNDS rounds. */
    static final int MIN_BLOCK_RUNS = 3;

    /**
     * @param beforeRound run before each round (the simulator moves its drift there; the agent does nothing)
     */
    public static PairedRounds run(InferenceSession a, InferenceSession b, MeasurementSettings s, Clock clock,
                                   Runnable beforeRound, BooleanSupplier cancelled) {
        int block = blockRuns(s.minRuns());
        Samples as = new Samples();
        Samples bs = new Samples();
        double[] ratios = new double[16];
        int rounds = 0;
        int nextCheck = MIN_ROUNDS;
        long minNanos = s.minDurationMs() * 1_000_000;
        long capNanos = 2 * s.maxDurationMs() * 1_000_000;
        long start = clock.nanoTime();
        while (as.n + block <= s.maxRuns() || rounds == 0) {
            if (rounds >= MIN_ROUNDS && as.n >= s.minRuns() && bs.n >= s.minRuns() && as.nanos >= minNanos
                    && bs.nanos >= minNanos) {
                if (rounds >= nextCheck) {
                    if (RoundRatio.of(Arrays.copyOf(ratios, rounds)).relativeHalfWidth() <= s.ciHalfWidth()) {
                        break;
                    }
                    nextCheck = rounds + Math.max(1, rounds / 10);
                }
                if (clock.nanoTime() - start >= capNanos) {
                    break;
                }
            }
            beforeRound.run();
            double ma = as.block(a, Math.min(block, s.maxRuns()), clock, cancelled);
            double mb = bs.block(b, Math.min(block, s.maxRuns()), clock, cancelled);
            if (rounds == ratios.length) {
                ratios = Arrays.copyOf(ratios, 2 * rounds);
            }
            // a zero-time reference block (a coarse clock) gives no ratio; count it as equal
            ratios[rounds++] = mb > 0 ? ma / mb : 1;
        }
        double windowMs = (clock.nanoTime() - start) / 1e6;
        RoundRatio ratio = RoundRatio.of(Arrays.copyOf(ratios, rounds));
        return new PairedRounds(as.result(s), bs.result(s), windowMs, ratio,
                ratio.relativeHalfWidth() <= s.ciHalfWidth());
    }

    static int blockRuns(int minRuns) {
        return Math.max(MIN_BLOCK_RUNS, (minRuns + MIN_ROUNDS - 1) / MIN_ROUNDS);
    }

    /** One model's timed runs across rounds. */
    private static final class Samples {
        double[] ms = new double[64];
        int n;
        long nanos;

        /** Times one block and returns its median. */
        double block(InferenceSession session, int runs, Clock clock, BooleanSupplier cancelled) {
            if (n + runs > ms.length) {
                ms = Arrays.copyOf(ms, Math.max(2 * ms.length, n + runs));
            }
            for (int i = 0; i < runs; i++) {
                TimedRuns.checkCancelled(cancelled);
                long t0 = clock.nanoTime();
                session.run();
                long dt = clock.nanoTime() - t0;
                nanos += dt;
                ms[n++] = dt / 1e6;
            }
            return LatencyStats.medianOf(Arrays.copyOfRange(ms, n - runs, n));
        }

        TimedRuns result(MeasurementSettings s) {
            double[] all = Arrays.copyOf(ms, n);
            LatencyStats stats = LatencyStats.of(all);
            return new TimedRuns(all, nanos / 1e6, stats, s.precise(stats));
        }
    }
}
