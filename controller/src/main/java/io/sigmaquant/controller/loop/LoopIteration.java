package io.sigmaquant.controller.loop;

import java.util.Map;

/**
 * One measured configuration of the loop.
 *
 * @param kind              why this configuration was measured
 * @param predictedMs       end-to-end latency the cost model predicted before this measurement
 * @param fitHeldOutMedianApe the refitted model's cross-validated per-layer error, after this measurement
 */
public record LoopIteration(int index, IterationKind kind, Map<String, Integer> bits, String agentId, double predictedMs,
                            double measuredMs, double measuredEnergyMj, boolean energyEstimated, double sizeBytes,
                            boolean meetsBudgets, double fitHeldOutMedianApe) {
}
