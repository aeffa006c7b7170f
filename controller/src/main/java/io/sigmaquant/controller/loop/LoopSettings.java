package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.protocol.message.MeasurementJob;

/**
 * How the closed loop runs; built with {@link #builder}.
 *
 * @param runId        the run the jobs belong to (their correlation id)
 * @param tolerance    largest relative gap between predicted and measured latency that counts as "predicted"
 * @param measurement  how agents measure each job
 * @param jobs         lease, attempts and wait for an agent, per job
 * @param modelBaseUrl where agents fetch artifacts, e.g. {@code http://10.0.0.5:8080/models/}
 * @param batch        images per inference in the measurement jobs
 * @param latencyFractionOfFloat when positive, the latency budget becomes this fraction of the measured float
 *                     model (the first calibration measurement)
 * @param pairedReference whether jobs carry the float model as a reference the agent measures interleaved
 * @param seed         seeds the loop's random choices (the resamples of its uncertainty), so a run can be repeated
 */
public record LoopSettings(String runId, String deviceClass, Budgets budgets, int maxIterations, double tolerance,
                           MeasurementJob.Settings measurement, JobPolicy jobs, String modelBaseUrl, int batch,
                           double latencyFractionOfFloat, boolean pairedReference, long seed) {
    public LoopSettings {
        if (maxIterations < 1 || !(tolerance > 0) || batch < 1) {
            throw new IllegalArgumentException("maxIterations and batch must be positive, tolerance > 0");
        }
        if (runId == null || deviceClass == null || budgets == null || measurement == null || jobs == null
                || modelBaseUrl == null) {
            throw new IllegalArgumentException("the loop needs a run id, a device class, budgets, measurement "
                    + "settings, a job policy and a model URL");
        }
    }

    /** The seed when none is given: a run repeats itself unless asked not to. */
    public static final long DEFAULT_SEED = 1;
    /** Pair every job with the float model unless asked not to: drift between jobs is this VM's largest error. */
    public static final boolean DEFAULT_PAIRED_REFERENCE = true;

    public static Builder builder(String runId, String deviceClass) {
        return new Builder(runId, deviceClass);
    }

    /** Builds settings by name; budgets default to none, the latency fraction to none (0). */
    public static final class Builder {
        private final String runId;
        private final String deviceClass;
        private Budgets budgets = Budgets.none();
        private int maxIterations;
        private double tolerance;
        private MeasurementJob.Settings measurement;
        private JobPolicy jobs;
        private String modelBaseUrl;
        private int batch = 1;
        private double latencyFractionOfFloat;
        private long seed = DEFAULT_SEED;
        private boolean pairedReference = DEFAULT_PAIRED_REFERENCE;

        private Builder(String runId, String deviceClass) {
            this.runId = runId;
            this.deviceClass = deviceClass;
        }

        public Builder budgets(Budgets b) {
            budgets = b;
            return this;
        }

        /** Candidates at most, and the gap between predicted and measured latency that counts as predicted. */
        public Builder stopAfter(int maxIterations, double tolerance) {
            this.maxIterations = maxIterations;
            this.tolerance = tolerance;
            return this;
        }

        public Builder measurement(MeasurementJob.Settings s) {
            measurement = s;
            return this;
        }

        public Builder jobs(JobPolicy p) {
            jobs = p;
            return this;
        }

        public Builder modelBaseUrl(String url) {
            modelBaseUrl = url;
            return this;
        }

        public Builder batch(int images) {
            batch = images;
            return this;
        }

        public Builder latencyFractionOfFloat(double fraction) {
            latencyFractionOfFloat = fraction;
            return this;
        }

        /** Have agents measure the float model interleaved with each candidate (drift correction). */
        public Builder pairedReference(boolean paired) {
            pairedReference = paired;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public LoopSettings build() {
            return new LoopSettings(runId, deviceClass, budgets, maxIterations, tolerance, measurement, jobs,
                    modelBaseUrl, batch, latencyFractionOfFloat, pairedReference, seed);
        }
    }
}
