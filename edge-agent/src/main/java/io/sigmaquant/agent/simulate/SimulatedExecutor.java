package io.sigmaquant.agent.simulate;

import io.sigmaquant.agent.jobs.JobExecutor;
import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.measure.LatencyStats;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Answers jobs from the profile's analytic cost model instead of measuring — for boards that are not at hand
 * (the shift-add accelerator) and for fleet-scale tests. Every result says {@code simulated: true}. Run times
 * get log-normal noise (CV ≈ {@value #NOISE_CV}), as timed runs on a real board would.
 */
public final class SimulatedExecutor implements JobExecutor {
    static final double NOISE_CV = 0.03;

    private final String agentId;
    private final DeviceProfile profile;
    private final Random random;

    public SimulatedExecutor(String agentId, DeviceProfile profile, long seed) {
        this.agentId = agentId;
        this.profile = profile;
        this.random = new Random(seed);
    }

    @Override
    public JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled) {
        if (job.workload().isEmpty()) {
            throw new JobFailure(JobError.Codes.MEASUREMENT_FAILED, "a simulated agent needs the job's workload "
                    + "(per-layer MACs, weights and bits) to answer from the cost model");
        }
        phase.accept("measuring");
        List<JobResult.NodeTime> nodes = new ArrayList<>();
        double seconds = 0;
        double joules = 0;
        for (MeasurementJob.LayerWork w : job.workload()) {
            RuntimeFormat format = profile.bits().formatOf().get(w.bits());
            if (format == null) {
                throw new JobFailure(JobError.Codes.MODEL_REJECTED, "layer " + w.name() + " asks for " + w.bits()
                        + " bits, which " + profile.id() + " cannot run");
            }
            FormatCost cost = profile.costOf(format);
            double bytes = w.weightParams() * format.storageBits(w.bits()) / 8.0
                    + w.activationElements() * cost.activationBytes();
            FormatCost.Prediction p = cost.predict(w.macs(), bytes, w.bits());
            nodes.add(new JobResult.NodeTime(w.name(), format.id(), "simulated:" + profile.id(), p.seconds() * 1e6));
            seconds += p.seconds();
            joules += p.joules();
        }
        int runs = Math.max(job.settings().minRuns(), 1);
        double[] samples = new double[runs];
        for (int i = 0; i < runs; i++) {
            samples[i] = seconds * 1e3 * Math.exp(NOISE_CV * random.nextGaussian());
        }
        LatencyStats stats = LatencyStats.of(samples);
        double totalMs = java.util.Arrays.stream(samples).sum();
        JobResult.Energy energy = new JobResult.Energy("estimate", true, joules * 1e3, joules / seconds, 0,
                "simulated from the analytic cost model of " + profile.id());
        return new JobResult(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(), job.attempt(),
                job.model().sha256(), true, stats.toWire(totalMs), nodes, energy, 0,
                new JobResult.SystemSample(List.of(), null, null), new JobResult.SystemSample(List.of(), null, null),
                "simulated", job.settings().threads());
    }

    @Override
    public String energyMeter() {
        return "estimate";
    }

    @Override
    public boolean simulated() {
        return true;
    }
}
