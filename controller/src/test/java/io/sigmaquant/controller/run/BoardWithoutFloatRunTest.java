package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.jobs.JobChecks;
import io.sigmaquant.agent.simulate.SimulatedExecutor;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.loop.LoopRecorder;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A board that cannot run the float model (the bit-serial accelerator: 2–8 bits) gets no float reference to measure
 * beside its candidates: the agent's own job checks refused every paired job ("referenceWorkload[0].bits: 32 is not
 * one of this board's bit widths") and every run on that class failed. A fake board applies the agent's checks and
 * answers from the profile's cost model (the simulated agent's executor), so no broker is needed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BoardWithoutFloatRunTest {
    static final String CLASS = "shift-add-asic";

    @TempDir
    Path dir;

    @Test
    void run_onABoardWithoutFloat_sendsNoFloatReferenceAndEnds() throws Exception {
        DeviceProfile profile = DeviceProfiles.load(CLASS);
        assertThat(profile.allowedBits()).doesNotContain(32);
        JobChecks checks = new JobChecks(Runtime.getRuntime().availableProcessors(), profile.allowedBits(), 1);
        SimulatedExecutor board = new SimulatedExecutor("asic-1", profile, 7);
        List<MeasurementJob> sent = new ArrayList<>();
        Dispatcher fakeBoard = (deviceClass, job, policy) -> {
            sent.add(job);
            checks.check(job, System.currentTimeMillis()); // throws as the agent would refuse it
            return new Dispatcher.Measured(board.execute(job, phase -> { }, () -> false), "asic-1");
        };
        PreparedRun prepared = PreparedRun.check(RunRequest.builder(CLASS).maxSizeBytes(40_960.0).batch(8)
                .maxIterations(4).build(), Fixtures.model("resnet"), null);
        RunExecution.Infrastructure infra = new RunExecution.Infrastructure(fakeBoard,
                new ModelStore(dir.resolve("models")), "http://fake-board/models/", dir.resolve("cache"),
                Duration.ofSeconds(1));

        RunExecution.Outcome outcome = RunExecution.run("run-asic", prepared,
                new SigmaQuantAllocator(SigmaQuantOptions.defaults()), infra, LoopRecorder.NONE, List.of(), it -> { },
                Files.createDirectories(dir.resolve("out")));

        assertThat(outcome.report().reason()).isNotBlank();
        assertThat(sent).isNotEmpty().allSatisfy(job -> {
            assertThat(job.reference()).isNull();
            assertThat(job.workload()).allSatisfy(l -> assertThat(profile.allowedBits()).contains(l.bits()));
        });
    }
}
