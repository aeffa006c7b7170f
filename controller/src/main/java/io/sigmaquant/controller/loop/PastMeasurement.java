package io.sigmaquant.controller.loop;

import io.sigmaquant.protocol.message.JobResult;
import java.util.Map;

/**
 * A measurement a run made before the controller restarted, as the store kept it: the loop replays it into
 * the fit instead of measuring it again.
 */
public record PastMeasurement(IterationKind kind, Map<String, Integer> bits, JobResult result, String agentId,
                              double predictedMs) {
}
