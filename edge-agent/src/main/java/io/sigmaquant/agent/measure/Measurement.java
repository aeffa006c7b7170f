package io.sigmaquant.agent.measure;

import io.sigmaquant.protocol.message.JobResult;
import java.util.List;

/**
 * What one measurement found.
 *
 * @param energy          energy per inference over the timed window minus the idle baseline, with its meter named
 * @param ciTargetReached whether the median's 95 % interval got within the CI target before the cap
 */
public record Measurement(LatencyStats latency, double timedWindowMs, List<JobResult.NodeTime> nodes,
                          JobResult.Energy energy, long peakMemoryBytes, JobResult.SystemSample before,
                          JobResult.SystemSample after, boolean ciTargetReached) {
}
