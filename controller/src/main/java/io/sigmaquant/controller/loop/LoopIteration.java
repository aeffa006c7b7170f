package io.sigmaquant.controller.loop;

import java.util.Map;

/**
 * One measured configuration of the loop.
 *
 * @param kind              why this configuration was measured
 * @param predictedMs       end-to-end latency the cost model predicted before this measurement
 * @param measuredMs        the agent's median, as measured
 * @param correctedMs       the median corrected for drift by the paired reference (= measuredMs without one):
 *                          what budgets and predictions are judged against
 * @param ciLowMs           lower end of correctedMs's 95 % confidence interval (NaN when the agent gave none)
 * @param ciHighMs          upper end of that interval
 * @param referenceRatio    candidate / reference median measured in the same job, or NaN without a reference
 * @param verdict           the budgets decided on the interval
 * @param fitHeldOutMedianApe the refitted model's cross-validated per-layer error, after this measurement
 */
public record LoopIteration(int index, IterationKind kind, Map<String, Integer> bits, String agentId, double predictedMs,
                            double measuredMs, double correctedMs, double ciLowMs, double ciHighMs,
                            double referenceRatio, double measuredEnergyMj, boolean energyEstimated, double sizeBytes,
                            boolean meetsBudgets, BudgetVerdict verdict, double fitHeldOutMedianApe) {

    /** |predicted − corrected| / corrected. */
    public double predictionError() {
        return Math.abs(predictedMs - correctedMs) / correctedMs;
    }
}
