package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;

/**
 * Has a measurement job run by some agent of a device class and returns its result. The loop sees only this;
 * {@link JobDispatcher} does it over MQTT with leases and retries, tests answer from a fake board.
 */
public interface Dispatcher {
    /** A result and the agent that produced it. */
    record Measured(JobResult result, String agentId) {
    }

    /**
     * @param job the first attempt; later attempts copy it with another attempt number
     * @throws JobFailedException when every attempt failed or no agent of the class came online in time
     */
    Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) throws InterruptedException;
}
