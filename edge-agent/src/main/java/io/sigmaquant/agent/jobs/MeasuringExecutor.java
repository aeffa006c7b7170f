package io.sigmaquant.agent.jobs;

import io.sigmaquant.agent.fetch.FetchException;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.measure.Measurement;
import io.sigmaquant.agent.measure.MeasurementSettings;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.ModelLoadException;
import io.sigmaquant.agent.measure.OrtSessions;
import io.sigmaquant.agent.measure.PairedMeasurement;
import io.sigmaquant.agent.measure.TimedRuns;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Fetches the job's model (and its reference, when it names one), checks them, and measures with ONNX Runtime on
 * this board: alone, or in alternating rounds with the reference.
 */
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
        Path model = fetch(job.model());
        Path reference = job.reference() == null ? null : fetch(job.reference());
        MeasurementJob.Settings s = job.settings();
        MeasurementSettings settings = MeasurementSettings.builder(s).maxRuns(Math.max(MAX_RUNS, s.minRuns()))
                .profiledRuns(s.profileNodes() ? PROFILED_RUNS : 0).idleBaselineMs(IDLE_BASELINE_MS).build();
        settings = withinDeadline(settings, job.deadlineMs() - System.currentTimeMillis(), reference != null);
        try {
            if (reference == null) {
                Measurement m = measurer.measure(target(job, model), settings, phase, cancelled);
                return result(job, m, null);
            }
            PairedMeasurement p = measurer.measurePaired(target(job, model), target(job, reference), settings, phase,
                    cancelled);
            TimedRuns r = p.reference();
            JobResult.Reference ref = new JobResult.Reference(job.reference().sha256(),
                    r.stats().toWire(r.windowMs(), r.targetReached()), p.ratio().rounds(), p.ratio().ratio(),
                    p.ratio().ci().low(), p.ratio().ci().high());
            return result(job, p.candidate(), ref);
        } catch (ModelLoadException e) {
            // a model ONNX Runtime refuses is not kept; with a reference either may be at fault
            cache.remove(job.model().sha256());
            if (job.reference() != null) {
                cache.remove(job.reference().sha256());
            }
            throw new JobFailure(JobError.Codes.MODEL_REJECTED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new JobFailure(JobError.Codes.MODEL_REJECTED, e.getMessage());
        }
    }

    /**
     * Shortens the cap so that measuring past the minimums leaves half the time to the deadline for warm-up,
     * profiling and the reply: a result that missed its CI target is worth more than a deadline error. Paired
     * rounds may run twice the cap, hence a quarter.
     */
    static MeasurementSettings withinDeadline(MeasurementSettings s, long msLeft, boolean paired) {
        long budget = Math.max(1, msLeft / (paired ? 4 : 2));
        return s.maxDurationMs() > budget ? s.withMaxDurationMs(budget) : s;
    }

    private Path fetch(MeasurementJob.ModelRef ref) {
        try {
            return fetcher.fetch(ref);
        } catch (FetchException e) {
            throw new JobFailure(e.code(), e.getMessage());
        }
    }

    /** The reference takes the candidate's input: it is another version of the same model. */
    private static Measurer.Target target(MeasurementJob job, Path model) {
        long[] shape = job.input().shape().stream().mapToLong(Long::longValue).toArray();
        return new Measurer.Target(model, shape, job.input().scale(), job.input().mean(), job.input().std());
    }

    private JobResult result(MeasurementJob job, Measurement m, JobResult.Reference reference) {
        return new JobResult(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(), job.attempt(),
                job.model().sha256(), false, m.latency().toWire(m.timedWindowMs(), m.ciTargetReached()), m.nodes(),
                m.energy(), m.peakMemoryBytes(), m.before(), m.after(), OrtSessions.version(), job.settings().threads(),
                reference);
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
