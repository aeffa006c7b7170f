package io.sigmaquant.agent.measure;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The timed loop of one model (the stop rule of {@link MeasurementSettings}): run until both minimums, then
 * on until the median's interval is narrow enough or the cap is reached. Shared by the agent and the
 * simulator, which drives it with a simulated session and clock.
 *
 * @param samplesMs    every timed run, in order
 * @param windowMs     from the first timed run's start to the last one's end
 * @param stats        the summary of the samples
 * @param targetReached whether the median's CI half-width reached the target before the cap
 */
public record TimedRuns(double[] samplesMs, double windowMs, LatencyStats stats, boolean targetReached) {

    public static TimedRuns run(InferenceSession session, MeasurementSettings s, Clock clock,
                                BooleanSupplier cancelled) {
        double[] samples = new double[Math.min(s.maxRuns(), Math.max(s.minRuns(), 1024))];
        int n = 0;
        int nextCheck = s.minRuns();
        long minNanos = s.minDurationMs() * 1_000_000;
        long capNanos = s.maxDurationMs() * 1_000_000;
        long start = clock.nanoTime();
        while (n < s.maxRuns()) {
            long elapsed = clock.nanoTime() - start;
            if (n >= s.minRuns() && elapsed >= minNanos) {
                // sorting on every run would cost O(n² log n) for fast models: look again after 10 % more runs
                if (n >= nextCheck) {
                    if (s.precise(LatencyStats.of(Arrays.copyOf(samples, n)))) {
                        break;
                    }
                    nextCheck = n + Math.max(1, n / 10);
                }
                if (elapsed >= capNanos) {
                    break;
                }
            }
            checkCancelled(cancelled);
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, (int) Math.min(s.maxRuns(), 2L * n));
            }
            long t0 = clock.nanoTime();
            session.run();
            samples[n++] = (clock.nanoTime() - t0) / 1e6;
        }
        double windowMs = (clock.nanoTime() - start) / 1e6;
        double[] all = Arrays.copyOf(samples, n);
        LatencyStats stats = LatencyStats.of(all);
        return new TimedRuns(all, windowMs, stats, s.precise(stats));
    }

    static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new Measurer.CancelledException();
        }
    }
}
