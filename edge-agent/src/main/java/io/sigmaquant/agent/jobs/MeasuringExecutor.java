package io.sigmaquant.agent.jobs;

import io.sigmaquant.agent.fetch.FetchException;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.measure.Measurement;
import io.sigmaquant.agent.measure.MeasurementSettings;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.ModelLoadException;
import io.sigmaquant.agent.measure.OrtSessions;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Fetches the job's model, checks it, and measures it with ONNX Runtime on this board. */
public final class MeasuringExecutor implements JobExecutor {
    /** Upper bound of timed runs, so a tiny model with a long minimum duration still ends. */
    static final int MAX_RUNS = 100_000;
    static final int PROFILED_RUNS = 10;
    static final long IDLE_BASELINE_MS = 300;

    private final String agentId;
    private final ModelFetcher fetcher;
    private final ModelCache cache;
    private final Measurer measurer;
    private final String meterId;

    public MeasuringExecutor(String agentId, ModelFetcher fetcher, ModelCache cache, Measurer measurer, String meterId) {
        this.agentId = agentId;
        this.fetcher = fetcher;
        this.cache = cache;
        this.measurer = measurer;
        this.meterId = meterId;
    }

    @Override
    public JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled) {
        phase.accept("downloading");
        Path model;
        try {
            model = fetcher.fetch(job.model());
        } catch (FetchException e) {
            throw new JobFailure(e.code(), e.getMessage());
        }
        MeasurementJob.Settings s = job.settings();
        long[] shape = job.input().shape().stream().mapToLong(Long::longValue).toArray();
        Measurement m;
        try {
            m = measurer.measure(new Measurer.Target(model, shape, job.input().scale(), job.input().mean(),
                            job.input().std()),
                    new MeasurementSettings(s.threads(), s.warmupRuns(), s.minRuns(), s.minDurationMs(),
                            Math.max(MAX_RUNS, s.minRuns()), s.profileNodes() ? PROFILED_RUNS : 0, IDLE_BASELINE_MS),
                    phase, cancelled);
        } catch (ModelLoadException e) {
            cache.remove(job.model().sha256()); // a model ONNX Runtime refuses is not kept
            throw new JobFailure(JobError.Codes.MODEL_REJECTED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new JobFailure(JobError.Codes.MODEL_REJECTED, e.getMessage());
        }
        return new JobResult(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(), job.attempt(),
                job.model().sha256(), false, m.latency().toWire(m.timedWindowMs()), m.nodes(), m.energy(),
                m.peakMemoryBytes(), m.before(), m.after(), OrtSessions.version(), s.threads());
    }

    @Override
    public String energyMeter() {
        return meterId;
    }

    @Override
    public boolean simulated() {
        return false;
    }
}
