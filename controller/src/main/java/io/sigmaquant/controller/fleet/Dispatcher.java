package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;

/**
 * Has a measurement job run by some agent of a device class and returns its result. The loop sees only this;
 * {@link JobDispatcher} does it over MQTT with leases and retries, tests answer from a fake board.
 */
public interface Dispatcher {
    /**
     * A result and the agent that produced it.
     *
     * @param arrivedNanos when the result arrived, on {@link System#nanoTime}'s clock: how long it then took to be
     *                     recorded is timed from there
     */
    record Measured(JobResult result, String agentId, long arrivedNanos) {
        /** A result that arrives now. */
        public Measured(JobResult result, String agentId) {
            this(result, agentId, System.nanoTime());
        }
    }

    /**
     * @param job the first attempt; later attempts copy it with another attempt number
     * @throws JobFailedException when every attempt failed or no agent of the class came online in time
     */
    Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) throws InterruptedException;
}
