package io.sigmaquant.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
