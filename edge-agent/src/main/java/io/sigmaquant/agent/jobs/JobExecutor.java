package io.sigmaquant.agent.jobs;

import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Runs one job to a result: measured on this board, or simulated from a cost model. */
public interface JobExecutor {
    /**
     * @throws JobFailure with the reply code when the job cannot complete
     */
    JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled);

    /** The energy meter results will name. */
    String energyMeter();

    boolean simulated();
}
