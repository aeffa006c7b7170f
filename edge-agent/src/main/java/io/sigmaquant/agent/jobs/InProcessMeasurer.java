package io.sigmaquant.agent.jobs;

import io.sigmaquant.agent.measure.InputMismatchException;
import io.sigmaquant.agent.measure.Measurement;
import io.sigmaquant.agent.measure.MeasurementSettings;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.ModelLoadException;
import io.sigmaquant.agent.measure.OrtProviders;
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
 * Measures with ONNX Runtime in this process: alone, or in alternating rounds with the reference. Runs inside the
 * worker process for {@code run}; directly in tests.
 */
public final class InProcessMeasurer implements ModelMeasurer {
    /** Upper bound of timed runs, so a tiny model with a long minimum duration still ends. */
    static final int MAX_RUNS = 100_000;
    static final int PROFILED_RUNS = 10;
    static final long IDLE_BASELINE_MS = 300;

    private final String agentId;
    private final Measurer measurer;

    public InProcessMeasurer(String agentId, Measurer measurer) {
        this.agentId = agentId;
        this.measurer = measurer;
    }

    @Override
    public JobResult measure(MeasurementJob job, Path model, Path reference, Consumer<String> phase,
                             BooleanSupplier cancelled) {
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
        } catch (InputMismatchException e) {
            throw new JobFailure(JobError.Codes.INVALID_JOB, e.getMessage());
        } catch (ModelLoadException | IllegalArgumentException e) {
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

    /** The reference takes the candidate's input: it is another version of the same model. */
    private static Measurer.Target target(MeasurementJob job, Path model) {
        long[] shape = job.input().shape().stream().mapToLong(Long::longValue).toArray();
        return new Measurer.Target(model, job.input().name(), shape, job.input().scale(), job.input().mean(),
                job.input().std());
    }

    private JobResult result(MeasurementJob job, Measurement m, JobResult.Reference reference) {
        return new JobResult(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(), job.attempt(),
                job.model().sha256(), false, m.latency().toWire(m.timedWindowMs(), m.ciTargetReached()), m.nodes(),
                m.energy(), m.peakMemoryBytes(), m.before(), m.after(), OrtSessions.version(), job.settings().threads(),
                reference, OrtProviders.ortName(measurer.provider()));
    }
}
