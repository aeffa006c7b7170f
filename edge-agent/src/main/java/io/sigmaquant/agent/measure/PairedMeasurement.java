package io.sigmaquant.agent.measure;

/**
 * A candidate measured in alternating rounds with a reference ({@link PairedRounds}). The candidate's part is
 * a full {@link Measurement} (energy and node times are the candidate's only); the reference has its latency.
 *
 * @param ratioReached whether the ratio's 95 % interval got within the CI target before the cap
 */
public record PairedMeasurement(Measurement candidate, TimedRuns reference, RoundRatio ratio,
                                boolean ratioReached) {
}
