package io.sigmaquant.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.profiles.DeviceProfiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedExecutorTest {
    private static final String SHA = "b".repeat(64);

    private static JobResult simulate(String profile, int bits) {
        List<MeasurementJob.LayerWork> work = List.of(
                new MeasurementJob.LayerWork("conv1", 1_806_336, 2_304, bits, 25_088),
                new MeasurementJob.LayerWork("fc", 640, 640, bits, 74));
        MeasurementJob job = Jobs.job("s", "http://127.0.0.1/m", SHA, 10, Jobs.inAMinute(), work);
        return new SimulatedExecutor("sim", DeviceProfiles.load(profile), 1).execute(job, p -> { }, () -> false);
    }

    @Test
    void execute_shiftAddAccelerator_latencyAndEnergyGrowWithBits() {
        JobResult four = simulate("shift-add-asic", 4);
        JobResult eight = simulate("shift-add-asic", 8);
        assertThat(four.simulated()).isTrue();
        assertThat(four.energy().estimated()).isTrue();
        assertThat(four.latency().medianMs()).isLessThan(eight.latency().medianMs());
        assertThat(four.energy().millijoulesPerInference()).isLessThan(eight.energy().millijoulesPerInference());
        assertThat(four.nodes()).extracting(JobResult.NodeTime::node).containsExactly("conv1", "fc");
    }

    @Test
    void execute_cpuBoard_floatIsSlowerThanW8a8AndRunsAreNoisy() {
        JobResult fp32 = simulate("raspberry-pi-5", 32);
        JobResult int8 = simulate("raspberry-pi-5", 8);
        assertThat(int8.latency().medianMs()).isLessThan(fp32.latency().medianMs());
        assertThat(fp32.latency().cv()).isGreaterThan(0).isLessThan(0.1);
    }

    @Test
    void execute_noWorkload_isAFailureWithAReason() {
        MeasurementJob job = Jobs.job("s", "http://127.0.0.1/m", SHA, 10, Jobs.inAMinute(), List.of());
        assertThatThrownBy(() -> new SimulatedExecutor("sim", DeviceProfiles.load("shift-add-asic"), 1)
                .execute(job, p -> { }, () -> false)).isInstanceOf(JobFailure.class).hasMessageContaining("workload");
    }

    private static final List<MeasurementJob.LayerWork> W8 = List.of(
            new MeasurementJob.LayerWork("conv1", 1_806_336, 2_304, 8, 25_088),
            new MeasurementJob.LayerWork("fc", 640, 640, 8, 74));

    private static MeasurementJob paired(MeasurementJob.Settings settings, List<MeasurementJob.LayerWork> refWork) {
        MeasurementJob j = Jobs.job("p", "http://127.0.0.1/m", SHA, 10, Jobs.inAMinute(), W8);
        return new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), 1, j.model(), j.input(),
                settings, j.deadlineMs(), W8, new MeasurementJob.ModelRef("http://127.0.0.1/r", "c".repeat(64), 10),
                refWork);
    }

    private static MeasurementJob single(MeasurementJob.Settings settings) {
        MeasurementJob j = Jobs.job("s", "http://127.0.0.1/m", SHA, 10, Jobs.inAMinute(), W8);
        return new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), 1, j.model(), j.input(),
                settings, j.deadlineMs(), W8);
    }

    private static JobResult run(SimulationNoise noise, long seed, MeasurementJob job) {
        return new SimulatedExecutor("sim", DeviceProfiles.load("raspberry-pi-5"), seed, noise)
                .execute(job, p -> { }, () -> false);
    }

    private static final SimulationNoise QUIET = SimulationNoise.builder().cv(0).build();
    private static final MeasurementJob.Settings SETTINGS = new MeasurementJob.Settings(1, 0, 30, 0, false, 0, 0);

    @Test
    void execute_sameSeed_sameResult() {
        SimulationNoise noisy = SimulationNoise.builder().cv(0.1).drift(0.2, 50).outliers(0.05, 4).build();
        JobResult a = run(noisy, 7, paired(SETTINGS, List.of()));
        JobResult b = run(noisy, 7, paired(SETTINGS, List.of()));
        assertThat(a).usingRecursiveComparison().isEqualTo(b);
    }

    @Test
    void execute_driftWithAReference_cancelsInTheRatioButNotInTheMedian() {
        // given: no run-to-run noise, a strong fast drift (±30 %, correlation time 5 simulated ms)
        double candidate = run(QUIET, 1, single(SETTINGS)).latency().medianMs();
        double reference = run(QUIET, 1, paired(SETTINGS, List.of())).reference().latency().medianMs();
        SimulationNoise drifting = SimulationNoise.builder().cv(0).drift(0.3, 5).build();
        // when
        JobResult r = run(drifting, 3, paired(SETTINGS, List.of()));
        // then: each round's blocks share the drift factor, so every round's ratio is the cost ratio (to the
        // nanosecond the simulated clock rounds to, 1e-5 of runs under a millisecond) …
        double expected = candidate / reference;
        assertThat(r.reference().ratio()).isCloseTo(expected, within(1e-5));
        assertThat(r.reference().ratioCiLow()).isCloseTo(expected, within(1e-5));
        assertThat(r.reference().ratioCiHigh()).isCloseTo(expected, within(1e-5));
        // … while the candidate's own median wandered with the drift
        assertThat(r.latency().medianCiHighMs() - r.latency().medianCiLowMs()).isGreaterThan(0.05 * candidate);
        assertThat(r.latency().ciTargetReached()).isFalse();
    }

    @Test
    void execute_noReferenceWorkload_referenceIsTheFloatModel() {
        double float32 = run(QUIET, 1, single(new MeasurementJob.Settings(1, 0, 30, 0, false)))
                .latency().medianMs();
        List<MeasurementJob.LayerWork> fp32 = W8.stream().map(w -> new MeasurementJob.LayerWork(w.name(), w.macs(),
                w.weightParams(), 32, w.activationElements())).toList();
        MeasurementJob j = single(SETTINGS);
        double fromWorkload = run(QUIET, 1, new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(),
                1, j.model(), j.input(), SETTINGS, j.deadlineMs(), fp32)).latency().medianMs();
        JobResult implicit = run(QUIET, 1, paired(SETTINGS, List.of()));
        JobResult explicit = run(QUIET, 1, paired(SETTINGS, W8));
        assertThat(implicit.reference().latency().medianMs()).isCloseTo(fromWorkload, within(1e-5));
        assertThat(implicit.reference().ratio()).isCloseTo(float32 / fromWorkload, within(1e-5));
        assertThat(explicit.reference().ratio()).isEqualTo(1.0);
    }

    @Test
    void execute_outliers_moveTheTailNotTheMedian() {
        SimulationNoise spiky = SimulationNoise.builder().cv(0.01).outliers(0.05, 10).build();
        JobResult clean = run(QUIET, 5, single(SETTINGS));
        JobResult r = run(spiky, 5, single(new MeasurementJob.Settings(1, 0, 200, 0, false)));
        assertThat(r.latency().p99Ms()).isGreaterThan(5 * clean.latency().medianMs());
        assertThat(r.latency().medianMs()).isCloseTo(clean.latency().medianMs(), within(0.05 * clean.latency()
                .medianMs()));
    }

    @Test
    void execute_noisyBoard_measuresPastTheMinimumUntilTheIntervalIsNarrow() {
        SimulationNoise noisy = SimulationNoise.builder().cv(0.3).build();
        JobResult r = run(noisy, 11, single(new MeasurementJob.Settings(1, 0, 20, 0, false, 60_000, 0.02)));
        assertThat(r.latency().runs()).isGreaterThan(20);
        assertThat(r.latency().ciTargetReached()).isTrue();
        assertThat(r.latency().medianCiLowMs()).isLessThanOrEqualTo(r.latency().medianMs());
        assertThat(r.latency().medianCiHighMs()).isGreaterThanOrEqualTo(r.latency().medianMs());
        assertThat((r.latency().medianCiHighMs() - r.latency().medianCiLowMs()) / 2)
                .isLessThanOrEqualTo(0.02 * r.latency().medianMs());
    }

    @Test
    void execute_noisyBoardAndATightCap_saysTheTargetWasMissed() {
        SimulationNoise noisy = SimulationNoise.builder().cv(0.3).build();
        JobResult r = run(noisy, 11, single(new MeasurementJob.Settings(1, 0, 20, 0, false, 1, 0.001)));
        assertThat(r.latency().ciTargetReached()).isFalse();
    }
}
