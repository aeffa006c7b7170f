package io.sigmaquant.agent.simulate;

import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.InferenceSession;
import java.util.Random;

/**
 * A simulated board's clock, drift and sessions. A session's run advances the clock by the model's cost times
 * the drift, noise and outlier factors, so the agent's own timed loops measure it as they would a real board.
 * Deterministic from the seed. Not thread-safe: the executor measures one job at a time.
 */
final class SimulatedBoard implements Clock {
    private final SimulationNoise noise;
    private final Random random;
    private long now;
    private double logDrift;
    private long driftAt;

    SimulatedBoard(SimulationNoise noise, long seed) {
        this.noise = noise;
        this.random = new Random(seed);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** The drift's factor now. */
    double drift() {
        return Math.exp(logDrift);
    }

    /** Moves the drift on to the current time (exact Ornstein–Uhlenbeck step, see {@link SimulationNoise}). */
    void advanceDrift() {
        long dt = now - driftAt;
        driftAt = now;
        if (dt <= 0 || noise.driftSigma() == 0) {
            return;
        }
        double a = Math.exp(-dt / (noise.driftTimeMs() * 1e6));
        logDrift = logDrift * a + noise.driftSigma() * Math.sqrt(1 - a * a) * random.nextGaussian();
    }

    /**
     * @param ms          the model's time per run from the cost model
     * @param driftPerRun true to move the drift before every run; false when the caller moves it (between the
     *                    rounds of a paired measurement, so both models of a round see the same factor)
     */
    InferenceSession session(double ms, boolean driftPerRun) {
        return new InferenceSession() {
            @Override
            public void run() {
                if (driftPerRun) {
                    advanceDrift();
                }
                double t = ms * drift() * Math.exp(noise.cv() * random.nextGaussian());
                if (noise.outlierRate() > 0 && random.nextDouble() < noise.outlierRate()) {
                    t *= noise.outlierFactor();
                }
                now += Math.max(1, Math.round(t * 1e6));
            }

            @Override
            public void close() {
            }
        };
    }
}
