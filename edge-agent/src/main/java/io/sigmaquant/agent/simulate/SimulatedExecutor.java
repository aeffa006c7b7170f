package io.sigmaquant.agent.simulate;

import io.sigmaquant.agent.jobs.JobExecutor;
import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.measure.MeasurementSettings;
import io.sigmaquant.agent.measure.PairedRounds;
import io.sigmaquant.agent.measure.TimedRuns;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Answers jobs from the profile's analytic cost model instead of measuring — for boards that are not at hand
 * (the shift-add accelerator) and for fleet-scale tests. Every result says {@code simulated: true}. The runs go
 * through the agent's own timed loops ({@link TimedRuns}, {@link PairedRounds}) on a simulated clock, so the
 * stop rule and the median's interval are the agent's; the board adds noise, drift and outliers
 * ({@link SimulationNoise}), deterministic from the seed.
 *
 * <p>A job's reference costs its {@code referenceWorkload}, or when that is empty the job's workload with every
 * layer at 32 bits: the float model the candidate was quantized from.
 */
public final class SimulatedExecutor implements JobExecutor {
    /** Bits of the float model a reference is assumed to be when the job gives no reference workload. */
    static final int FLOAT_BITS = 32;
    static final int MAX_RUNS = 100_000;

    private final String agentId;
    private final DeviceProfile profile;
    private final SimulatedBoard board;

    /** A board with run-to-run noise only ({@link SimulationNoise#DEFAULT}). */
    public SimulatedExecutor(String agentId, DeviceProfile profile, long seed) {
        this(agentId, profile, seed, SimulationNoise.DEFAULT);
    }

    public SimulatedExecutor(String agentId, DeviceProfile profile, long seed, SimulationNoise noise) {
        this.agentId = agentId;
        this.profile = profile;
        this.board = new SimulatedBoard(noise, seed);
    }

    /** One model's cost: per-run time, energy and node times from the cost model. */
    private record Cost(double ms, double joules, List<JobResult.NodeTime> nodes) {
    }

    @Override
    public synchronized JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled) {
        if (job.workload().isEmpty()) {
            throw new JobFailure(JobError.Codes.MEASUREMENT_FAILED, "a simulated agent needs the job's workload "
                    + "(per-layer MACs, weights and bits) to answer from the cost model");
        }
        phase.accept("measuring");
        Cost cost = cost(job.workload());
        MeasurementSettings s = MeasurementSettings.builder(job.settings())
                .maxRuns(Math.max(MAX_RUNS, job.settings().minRuns())).build();
        JobResult.Energy energy = new JobResult.Energy("estimate", true, cost.joules() * 1e3,
                cost.joules() / (cost.ms() / 1e3), 0, "simulated from the analytic cost model of " + profile.id());
        if (job.reference() == null) {
            TimedRuns runs = TimedRuns.run(board.session(cost.ms(), true), s, board, cancelled);
            return result(job, runs, cost, energy, null);
        }
        Cost refCost = cost(job.referenceWorkload().isEmpty() ? asFloat(job.workload()) : job.referenceWorkload());
        PairedRounds p = PairedRounds.run(board.session(cost.ms(), false), board.session(refCost.ms(), false), s,
                board, board::advanceDrift, cancelled);
        TimedRuns r = p.reference();
        JobResult.Reference reference = new JobResult.Reference(job.reference().sha256(),
                r.stats().toWire(r.windowMs(), r.targetReached()), p.ratio().rounds(), p.ratio().ratio(),
                p.ratio().ci().low(), p.ratio().ci().high());
        return result(job, p.candidate(), cost, energy, reference);
    }

    private JobResult result(MeasurementJob job, TimedRuns runs, Cost cost, JobResult.Energy energy,
                             JobResult.Reference reference) {
        JobResult.SystemSample none = new JobResult.SystemSample(List.of(), null, null);
        return new JobResult(Messages.SCHEMA_VERSION, null, job.correlationId(), agentId, job.jobId(), job.attempt(),
                job.model().sha256(), true, runs.stats().toWire(runs.windowMs(), runs.targetReached()), cost.nodes(),
                energy, 0, none, none, "simulated", job.settings().threads(), reference);
    }

    private Cost cost(List<MeasurementJob.LayerWork> workload) {
        List<JobResult.NodeTime> nodes = new ArrayList<>();
        double seconds = 0;
        double joules = 0;
        for (MeasurementJob.LayerWork w : workload) {
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
        return new Cost(seconds * 1e3, joules, nodes);
    }

    private static List<MeasurementJob.LayerWork> asFloat(List<MeasurementJob.LayerWork> workload) {
        return workload.stream().map(w -> new MeasurementJob.LayerWork(w.name(), w.macs(), w.weightParams(),
                FLOAT_BITS, w.activationElements())).toList();
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
