package io.sigmaquant.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.controller.run.PreparedRun;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a run times each refit and each decision of its loop, and each result's way into the recorder,
 * into the controller's meters: the fit once per measurement it learns from, the solve once per decision and no
 * shorter than the allocator it waits for, the recording once per measurement and no shorter than the result
 * took to reach the loop.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClosedLoopTimingTest {
    /** The allocator below takes at least this long per allocation. */
    static final Duration ALLOCATING = Duration.ofMillis(10);
    /** The board below hands over each result this long after it arrived. */
    static final Duration HANDED_OVER = Duration.ofMillis(50);

    @TempDir
    static Path sensitivityCache;
    @TempDir
    Path dir;

    /** The real allocator, slowed down by a known amount; counts its calls. */
    static final class SlowAllocator implements Allocator {
        final Allocator real = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Allocation allocate(AllocationProblem problem) {
            calls.incrementAndGet();
            try {
                Thread.sleep(ALLOCATING.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.allocate(problem);
        }

        @Override
        public String name() {
            return real.name();
        }
    }

    /** A fake board whose results reach the loop some time after they arrived. */
    static final class LateHandingBoard extends ClosedLoopTest.FakeBoard {
        @Override
        public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) {
            Measured m = super.measure(deviceClass, job, policy);
            return new Measured(m.result(), m.agentId(), System.nanoTime() - HANDED_OVER.toNanos());
        }
    }

    @Test
    void run_converges_timesEveryRefitDecisionAndRecording() throws Exception {
        PreparedRun prepared = PreparedRun.check(RunRequest.builder(ClosedLoopTest.CLASS).maxSizeBytes(40_960.0)
                .batch(32).latencyFraction(0.9).sensitivityMode("weights").build(), Fixtures.model("resnet"),
                Fixtures.data());
        SlowAllocator allocator = new SlowAllocator();
        try (ControllerMetrics metrics = new ControllerMetrics(new FleetRegistry(), false)) {
            RunExecution.Infrastructure infra = new RunExecution.Infrastructure(new LateHandingBoard(),
                    new ModelStore(dir.resolve("models")), "http://fake-board/models/", sensitivityCache,
                    Duration.ofSeconds(1), metrics);

            LoopReport report = RunExecution.run("run-1", prepared, allocator, infra, LoopRecorder.NONE, List.of(),
                    it -> { }, Files.createDirectories(dir.resolve("out"))).report();

            assertThat(report.converged()).as(report.reason()).isTrue();
            Timer fit = metrics.registry().get("sigmaquant.loop.fit").timer();
            assertThat(fit.count()).isEqualTo(report.iterations().stream().filter(it -> it.kind().learns()).count());
            assertThat(fit.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            Timer solve = metrics.registry().get("sigmaquant.loop.solve").timer();
            long decisions = report.iterations().stream().filter(it -> it.kind().chosenByTheLoop()).count();
            assertThat(solve.count()).isEqualTo(decisions);
            // every decision allocates at least once
            assertThat(solve.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(decisions * ALLOCATING.toNanos());
            assertThat(allocator.calls.get()).isGreaterThanOrEqualTo((int) decisions);
            Timer recorded = metrics.registry().get("sigmaquant.result.recorded").timer();
            assertThat(recorded.count()).isEqualTo(report.iterations().size());
            assertThat(recorded.totalTime(TimeUnit.NANOSECONDS))
                    .isGreaterThanOrEqualTo(report.iterations().size() * HANDED_OVER.toNanos());
        }
    }
}
