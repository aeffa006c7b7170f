package io.sigmaquant.agent.jobs;

import io.sigmaquant.agent.fetch.FetchException;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Fetches the job's model (and its reference, when it names one), checks them, and has them measured with ONNX
 * Runtime on this board by a {@link ModelMeasurer}.
 */
public final class MeasuringExecutor implements JobExecutor, AutoCloseable {
    private final ModelFetcher fetcher;
    private final ModelCache cache;
    private final ModelMeasurer measurer;
    private final String meterId;

    public MeasuringExecutor(ModelFetcher fetcher, ModelCache cache, ModelMeasurer measurer, String meterId) {
        this.fetcher = fetcher;
        this.cache = cache;
        this.measurer = measurer;
        this.meterId = meterId;
    }

    /** Measures in this process (tests). */
    public MeasuringExecutor(String agentId, ModelFetcher fetcher, ModelCache cache, Measurer measurer, String meterId) {
        this(fetcher, cache, new InProcessMeasurer(agentId, measurer), meterId);
    }

    @Override
    public JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled) {
        phase.accept("downloading");
        // the download honours the deadline and cancel too: a stalled server must not hold the agent
        Path model = fetch(job.model(), cancelled);
        Path reference = job.reference() == null ? null : fetch(job.reference(), cancelled);
        try {
            return measurer.measure(job, model, reference, phase, cancelled);
        } catch (JobFailure e) {
            if (JobError.Codes.MODEL_REJECTED.equals(e.code())) {
                // a model ONNX Runtime refuses is not kept; with a reference either may be at fault
                cache.remove(job.model().sha256());
                if (job.reference() != null) {
                    cache.remove(job.reference().sha256());
                }
            }
            throw e;
        }
    }

    private Path fetch(MeasurementJob.ModelRef ref, BooleanSupplier stop) {
        try {
            return fetcher.fetch(ref, stop);
        } catch (FetchException e) {
            throw new JobFailure(e.code(), e.getMessage());
        }
    }

    @Override
    public String energyMeter() {
        return meterId;
    }

    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public void close() {
        measurer.close();
    }
}
