package io.sigmaquant.agent.simulate;

/**
 * How a simulated board misbehaves, so the controller's handling of noisy machines can be tested: log-normal
 * run-to-run noise, a slow multiplicative drift that wanders with (simulated) time across runs and jobs, and
 * occasional outliers.
 *
 * <p>The drift is an Ornstein–Uhlenbeck process in log space: after Δt of simulated time its log factor is
 * {@code x·a + driftSigma·√(1 − a²)·N(0,1)} with {@code a = exp(−Δt / driftTimeMs)}, so it stays near 1 with a
 * stationary standard deviation of {@code driftSigma} and changes slowly next to one run.
 *
 * @param cv            standard deviation of the log of a run's time (≈ its coefficient of variation)
 * @param driftSigma    stationary standard deviation of the drift's log factor; 0 for none
 * @param driftTimeMs   the drift's correlation time in simulated milliseconds
 * @param outlierRate   probability that a run is an outlier
 * @param outlierFactor how much slower an outlier run is
 */
public record SimulationNoise(double cv, double driftSigma, long driftTimeMs, double outlierRate,
                             double outlierFactor) {
    public static final double DEFAULT_CV = 0.03;
    public static final long DEFAULT_DRIFT_TIME_MS = 60_000;
    public static final double DEFAULT_OUTLIER_FACTOR = 3;
    /** Noise only, as the simulated agent always had. */
    public static final SimulationNoise DEFAULT = builder().build();

    public SimulationNoise {
        if (!(cv >= 0) || !(driftSigma >= 0) || driftTimeMs <= 0 || !(outlierRate >= 0 && outlierRate <= 1)
                || !(outlierFactor >= 1)) {
            throw new IllegalArgumentException("simulation noise: cv and driftSigma ≥ 0, driftTimeMs > 0, "
                    + "outlierRate in [0, 1], outlierFactor ≥ 1");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction from the defaults. */
    public static final class Builder {
        private double cv = DEFAULT_CV;
        private double driftSigma;
        private long driftTimeMs = DEFAULT_DRIFT_TIME_MS;
        private double outlierRate;
        private double outlierFactor = DEFAULT_OUTLIER_FACTOR;

        public Builder cv(double v) {
            cv = v;
            return this;
        }

        public Builder drift(double sigma, long timeMs) {
            driftSigma = sigma;
            driftTimeMs = timeMs;
            return this;
        }

        public Builder outliers(double rate, double factor) {
            outlierRate = rate;
            outlierFactor = factor;
            return this;
        }

        public SimulationNoise build() {
            return new SimulationNoise(cv, driftSigma, driftTimeMs, outlierRate, outlierFactor);
        }
    }
}
