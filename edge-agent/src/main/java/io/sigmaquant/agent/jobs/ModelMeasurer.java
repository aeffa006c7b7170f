package io.sigmaquant.agent.jobs;

import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Measures a job's fetched, verified model files to a result: in this process ({@link InProcessMeasurer}, for
 * tests and {@code bench}) or in a worker process the agent can kill when ONNX Runtime does not return
 * ({@code worker.WorkerMeasurer}, the default for {@code run}).
 */
public interface ModelMeasurer extends AutoCloseable {
    /**
     * @param reference the reference model's file, or null when the job names none
     * @param cancelled true once the job is cancelled or past its deadline: the measurement stops
     * @throws JobFailure with the reply code when the model cannot be measured
     * @throws io.sigmaquant.agent.measure.Measurer.CancelledException when {@code cancelled} became true
     */
    JobResult measure(MeasurementJob job, Path model, Path reference, Consumer<String> phase,
                      BooleanSupplier cancelled);

    @Override
    default void close() {
    }
}
