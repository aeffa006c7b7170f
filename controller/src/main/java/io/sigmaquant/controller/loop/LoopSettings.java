package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.time.Duration;

/**
 * How the closed loop runs.
 *
 * @param runId       the run the jobs belong to (their correlation id)
 * @param tolerance   largest relative gap between predicted and measured latency that counts as "predicted"
 * @param modelBaseUrl where agents fetch artifacts, e.g. {@code http://10.0.0.5:8080/models/}
 * @param batch        images per inference in the measurement jobs
 * @param latencyFractionOfFloat when positive, the latency budget becomes this fraction of the measured float
 *                     model (the first calibration measurement)
 */
public record LoopSettings(String runId, String deviceClass, Budgets budgets, int maxIterations, double tolerance,
                           MeasurementJob.Settings measurement, Duration lease, int maxAttempts, Duration waitForAgent,
                           String modelBaseUrl, int batch, double latencyFractionOfFloat) {
    public LoopSettings {
        if (maxIterations < 1 || !(tolerance > 0) || maxAttempts < 1 || batch < 1) {
            throw new IllegalArgumentException("maxIterations, maxAttempts and batch must be positive, tolerance > 0");
        }
    }
}
