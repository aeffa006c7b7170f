package io.sigmaquant.agent.jobs;

import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What only this board can check about a well-formed job (the protocol's {@link Limits} are checked when it is
 * decoded): no more threads than its cores, bit widths its profile runs, a deadline within the horizon. A job
 * that fails is answered {@code invalid-job} with the field named, before it is queued. Input names are checked
 * against the model when it is opened.
 *
 * @param cores          this board's cores ({@code Runtime.availableProcessors()})
 * @param allowedBits    the profile's bit widths (32 = float included)
 * @param defaultThreads what a job's {@code threads: 0} means here: the profile's measurement threads, capped at
 *                       the cores (a 2-core machine standing in for a 4-core class must not refuse the class's
 *                       default); 0 leaves it to ONNX Runtime
 */
public record JobChecks(int cores, Set<Integer> allowedBits, int defaultThreads) {
    public JobChecks {
        allowedBits = Set.copyOf(allowedBits);
        defaultThreads = Math.min(defaultThreads, cores);
    }

    /** Checks against these cores and allows every bit width of the protocol (tests, simulated boards). */
    public static JobChecks anyBits(int cores) {
        return new JobChecks(cores, IntStream.rangeClosed(Limits.MIN_BITS, Limits.MAX_BITS).boxed()
                .collect(Collectors.toSet()), 0);
    }

    /** The job with {@code threads: 0} replaced by this board's default, so that the result says what was used. */
    public MeasurementJob withDefaults(MeasurementJob job) {
        MeasurementJob.Settings s = job.settings();
        if (s.threads() != 0 || defaultThreads <= 0) {
            return job;
        }
        MeasurementJob.Settings resolved = new MeasurementJob.Settings(defaultThreads, s.warmupRuns(), s.minRuns(),
                s.minDurationMs(), s.profileNodes(), s.maxDurationMs(), s.ciHalfWidth());
        return new MeasurementJob(job.schemaVersion(), job.type(), job.correlationId(), job.jobId(), job.attempt(),
                job.model(), job.input(), resolved, job.deadlineMs(), job.workload(), job.reference(),
                job.referenceWorkload());
    }

    /** @throws JobFailure (invalid-job) naming the first field at fault */
    public void check(MeasurementJob job, long nowMs) {
        int threads = job.settings().threads();
        if (threads > cores) {
            throw invalid("settings.threads", threads + " is more than this board's " + cores + " cores");
        }
        if (job.deadlineMs() - nowMs > Limits.MAX_DEADLINE_HORIZON_MS) {
            throw invalid("deadlineMs", "is more than " + Limits.MAX_DEADLINE_HORIZON_MS / 1000 + " s ahead");
        }
        bits(job.workload(), "workload");
        bits(job.referenceWorkload(), "referenceWorkload");
    }

    private void bits(List<MeasurementJob.LayerWork> layers, String field) {
        for (int i = 0; i < layers.size(); i++) {
            int bits = layers.get(i).bits();
            if (!allowedBits.contains(bits)) {
                throw invalid(field + "[" + i + "].bits", bits + " is not one of this board's bit widths "
                        + new TreeSet<>(allowedBits));
            }
        }
    }

    private static JobFailure invalid(String field, String reason) {
        return new JobFailure(JobError.Codes.INVALID_JOB, field + ": " + reason);
    }
}
