package io.sigmaquant.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.agent.simulate.SimulatedExecutor;
import io.sigmaquant.agent.simulate.SimulationNoise;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.run.PreparedRun;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's decisions without a broker or agents. A fake board stands in for the dispatcher and answers every
 * job from the device profile's analytic cost model with seeded noise (the simulated agent's executor), so that
 * each run measures the same and its decisions are the test's to check; the loop itself, the exporter, the fit
 * and the allocator are the real ones, built as a run builds them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClosedLoopTest {
    static final String CLASS = "x86-64-generic";

    @TempDir
    static Path sensitivityCache;
    @TempDir
    Path dir;

    /** Answers from the profile's cost model; keeps every job it was given. */
    static class FakeBoard implements Dispatcher {
        final SimulatedExecutor board;
        final List<MeasurementJob> jobs = new ArrayList<>();

        FakeBoard() {
            this(SimulationNoise.DEFAULT);
        }

        FakeBoard(SimulationNoise noise) {
            board = new SimulatedExecutor("fake-board", DeviceProfiles.load(CLASS), 42, noise);
        }

        @Override
        public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) {
            jobs.add(job);
            return new Measured(board.execute(job, phase -> { }, () -> false), "fake-board");
        }

        List<Map<String, Integer>> configurations() {
            return jobs.stream().map(j -> {
                Map<String, Integer> bits = new java.util.LinkedHashMap<>();
                j.workload().forEach(w -> bits.put(w.name(), w.bits()));
                return bits;
            }).toList();
        }
    }

    /**
     * A fake board that runs slower by a factor for its first jobs (a board heating up, another process
     * starting): end-to-end and per-node times alike; every later job runs at 1.0.
     */
    static final class DriftingBoard extends FakeBoard {
        private final double[] factors;

        DriftingBoard(double... factors) {
            this.factors = factors;
        }

        @Override
        public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) {
            double f = jobs.size() < factors.length ? factors[jobs.size()] : 1.0;
            Measured m = super.measure(deviceClass, job, policy);
            return new Measured(Boards.slower(m.result(), f), m.agentId());
        }
    }

    /** Keeps what the loop records, as the store would. */
    static final class Recorded implements LoopRecorder {
        final List<Dispatcher.Measured> measured = new ArrayList<>();
        final List<LoopIteration> iterations = new ArrayList<>();
        int calibrations;

        @Override
        public void measured(Dispatcher.Measured m, Map<String, Integer> bits) {
            measured.add(m);
        }

        @Override
        public void iteration(LoopIteration it, String jobId, int attempt) {
            iterations.add(it);
        }

        @Override
        public void calibrated(CalibratedCostModel.Export model) {
            calibrations++;
        }

        /** The run as the store would give it back after a restart. */
        List<PastMeasurement> past() {
            List<PastMeasurement> past = new ArrayList<>();
            for (int i = 0; i < iterations.size(); i++) {
                LoopIteration it = iterations.get(i);
                past.add(new PastMeasurement(it.kind(), it.bits(), measured.get(i).result(), it.agentId(),
                        it.predictedMs()));
            }
            return past;
        }
    }

    private RunExecution.Outcome run(RunRequest.Builder request, FakeBoard board, Recorded recorded,
                                     List<PastMeasurement> earlier) throws Exception {
        PreparedRun prepared = PreparedRun.check(request.sensitivityMode("weights").build(), Fixtures.model("resnet"),
                Fixtures.data());
        Path out = Files.createDirectories(dir.resolve("out-" + System.nanoTime()));
        RunExecution.Infrastructure infra = new RunExecution.Infrastructure(board, new ModelStore(dir.resolve("models")),
                "http://fake-board/models/", sensitivityCache, Duration.ofSeconds(1));
        return RunExecution.run("run-1", prepared, new SigmaQuantAllocator(SigmaQuantOptions.defaults()), infra,
                recorded, earlier, it -> { }, out);
    }

    private static RunRequest.Builder request() {
        return RunRequest.builder(CLASS).maxSizeBytes(40_960.0).batch(32);
    }

    @Test
    void run_budgetsTheBoardCanMeet_convergesAfterTheCalibrationsWithinTheLatencyFraction() throws Exception {
        FakeBoard board = new FakeBoard();
        Recorded recorded = new Recorded();

        LoopReport report = run(request().latencyFraction(0.9), board, recorded, List.of()).report();

        assertThat(report.converged()).as(report.reason()).isTrue();
        List<LoopIteration> its = report.iterations();
        assertThat(its).extracting(LoopIteration::kind).startsWith(IterationKind.CALIBRATION, IterationKind.CALIBRATION,
                IterationKind.CALIBRATION).last().isEqualTo(IterationKind.CANDIDATE);
        assertThat(its.get(0).bits().values()).containsOnly(32);
        LoopIteration last = its.get(its.size() - 1);
        assertThat(last.measuredMs()).isLessThanOrEqualTo(0.9 * its.get(0).measuredMs());
        assertThat(last.sizeBytes()).isLessThanOrEqualTo(40_960);
        assertThat(last.bits()).isEqualTo(report.finalBits());
        assertThat(report.finalSha256()).isNotNull();
        assertThat(board.jobs).hasSize(its.size());
        assertThat(recorded.measured).hasSize(its.size());
        assertThat(recorded.iterations).isEqualTo(its);
    }

    @Test
    void run_latencyBudgetNoConfigurationMeets_measuresWhatIsPredictedFastestThenStopsNamingTheEvidence()
            throws Exception {
        FakeBoard board = new FakeBoard();

        LoopReport report = run(request().latencyFraction(0.05), board, new Recorded(), List.of()).report();

        assertThat(report.converged()).isFalse();
        assertThat(report.reason()).startsWith("the budgets are unreachable on this device class (latency budget")
                .doesNotContain("--max-latency-ms");
        List<LoopIteration> its = report.iterations();
        assertThat(its.subList(0, 3)).extracting(LoopIteration::kind).containsOnly(IterationKind.CALIBRATION);
        List<LoopIteration> explored = its.subList(3, its.size());
        assertThat(explored).isNotEmpty().extracting(LoopIteration::kind).containsOnly(IterationKind.EXPLORATION);
        // every measurement the reason names as evidence is in the report and missed the budget
        Matcher cited = Pattern.compile("measurement (\\d+):").matcher(report.reason());
        int citations = 0;
        while (cited.find()) {
            LoopIteration evidence = its.get(Integer.parseInt(cited.group(1)) - 1);
            assertThat(evidence.verdict()).isEqualTo(BudgetVerdict.MISSES);
            assertThat(evidence.kind().learns()).isTrue();
            citations++;
        }
        assertThat(citations).isPositive();
        assertThat(its).noneMatch(LoopIteration::meetsBudgets);
        assertThat(report.finalSha256()).isNull();
        assertThat(board.jobs).hasSize(its.size());
    }

    /**
     * The situation a user met on a model not in this repository: the board ran slow while two calibration
     * configurations were measured, so the model calibrated on them predicted the fastest configuration above a
     * latency budget the board could meet. Seeded and simulated, so the decisions are exact: the loop must explore
     * and converge instead of calling the budget unreachable.
     */
    @Test
    void run_budgetBetweenFastestMeasurableAndFastestPredicted_exploresAndConverges() throws Exception {
        Recorded calm = new Recorded();
        run(request().maxLatencyMs(1e3).pairedReference(false), new FakeBoard(), calm, List.of());
        double fastestMs = calm.iterations.get(1).measuredMs(); // all-int8: the fastest this board runs the model
        DriftingBoard board = new DriftingBoard(1.0, 1.4, 1.4); // then 1.0 for every later job
        double budgetMs = 1.15 * fastestMs;

        LoopReport report = run(request().maxLatencyMs(budgetMs).pairedReference(false), board, new Recorded(),
                List.of()).report();

        List<LoopIteration> its = report.iterations();
        assertThat(its.get(1).measuredMs()).as("calibrated on a slow board").isGreaterThan(budgetMs);
        assertThat(its.get(2).measuredMs()).isGreaterThan(budgetMs);
        assertThat(report.converged()).as(report.reason()).isTrue();
        assertThat(its).extracting(LoopIteration::kind).contains(IterationKind.EXPLORATION);
        LoopIteration last = its.get(its.size() - 1);
        assertThat(last.correctedMs()).isLessThanOrEqualTo(budgetMs);
        assertThat(last.verdict().meets()).isTrue();
        assertThat(report.finalBits()).isEqualTo(last.bits());
    }

    /**
     * The same slow calibration measurement, but paired: the agent measured the float model beside the all-int8
     * one while the board was slow, the ratio is unchanged by the slowness, and the loop takes the ratio times
     * the float model's typical latency — so the fit sees the board as it is and no exploration is needed.
     */
    @Test
    void run_boardSlowDuringAPairedCalibration_theRatioCorrectsTheDrift() throws Exception {
        Recorded calm = new Recorded();
        run(request().maxLatencyMs(1e3), new FakeBoard(), calm, List.of());
        double calmInt8Ms = calm.iterations.get(1).correctedMs();
        DriftingBoard board = new DriftingBoard(1.0, 1.4); // the all-int8 calibration measured 40 % slow
        double budgetMs = 1.15 * calmInt8Ms;

        LoopReport report = run(request().maxLatencyMs(budgetMs), board, new Recorded(), List.of()).report();

        List<LoopIteration> its = report.iterations();
        assertThat(board.jobs.get(1).reference()).as("paired with the float model").isNotNull();
        assertThat(board.jobs.get(0).reference()).as("the float model is its own reference").isNull();
        assertThat(its.get(1).measuredMs()).isGreaterThan(1.3 * calmInt8Ms);
        // corrected by the float model's typical latency so far: the median of one calm and one slow job
        assertThat(its.get(1).correctedMs()).isCloseTo(1.2 * calmInt8Ms, within(0.05 * calmInt8Ms));
        // from the next job on, the typical latency is the calm one again, and the fit is redone with it
        assertThat(its.get(2).measuredMs()).isCloseTo(its.get(2).correctedMs(), within(0.05 * its.get(2).measuredMs()));
        assertThat(its.get(1).referenceRatio()).isLessThan(1);
        assertThat(report.converged()).as(report.reason()).isTrue();
        assertThat(its).extracting(LoopIteration::kind).doesNotContain(IterationKind.EXPLORATION);
    }

    /**
     * A noisier board (8 % run-to-run, a slow drift, 2 % outliers at 3×), seeded: every measurement comes with
     * its interval and, when paired, its ratio; the loop converges on a verdict it states.
     */
    @Test
    void run_noisyDriftingBoardWithOutliers_convergesOnAStatedVerdictWithIntervals() throws Exception {
        FakeBoard board = new FakeBoard(SimulationNoise.builder().cv(0.08).drift(0.15, 20_000).outliers(0.02, 3)
                .build());

        LoopReport report = run(request().latencyFraction(0.9), board, new Recorded(), List.of()).report();

        assertThat(report.converged()).as(report.reason()).isTrue();
        assertThat(report.reason()).containsAnyOf("meets with 95 % confidence the budgets", "meets the budgets");
        for (LoopIteration it : report.iterations()) {
            assertThat(it.ciLowMs()).as("interval of " + it.index()).isLessThanOrEqualTo(it.correctedMs());
            assertThat(it.ciHighMs()).isGreaterThanOrEqualTo(it.correctedMs());
            boolean isFloat = it.bits().values().stream().allMatch(b -> b == 32);
            assertThat(Double.isFinite(it.referenceRatio())).as("paired unless float").isEqualTo(!isFloat);
        }
        LoopIteration last = report.iterations().get(report.iterations().size() - 1);
        assertThat(last.verdict().meets()).isTrue();
        assertThat(last.correctedMs()).isLessThanOrEqualTo(0.9 * report.iterations().get(0).measuredMs() * 1.2);
    }

    /** Size is exact: with only a size budget there is nothing to explore, the candidate is measured to the limit. */
    @Test
    void run_onlyASizeBudgetAndAToleranceNoPredictionReaches_measuresCandidatesToTheLimitAndKeepsOne()
            throws Exception {
        FakeBoard board = new FakeBoard();

        LoopReport report = run(request().tolerance(1e-12).maxIterations(3), board, new Recorded(), List.of()).report();

        assertThat(report.reason()).startsWith("iteration limit of 3 reached").contains("is kept");
        assertThat(report.iterations()).extracting(LoopIteration::kind).containsExactly(IterationKind.CALIBRATION,
                IterationKind.CALIBRATION, IterationKind.CALIBRATION, IterationKind.CANDIDATE, IterationKind.CANDIDATE,
                IterationKind.CANDIDATE);
        assertThat(report.finalSha256()).isNotNull();
    }

    @Test
    void run_toleranceNoPredictionReaches_stopsAtTheIterationLimitKeepingTheConfigurationAMeasurementProved()
            throws Exception {
        FakeBoard board = new FakeBoard();

        LoopReport report = run(request().latencyFraction(2.0).tolerance(1e-12).maxIterations(2), board,
                new Recorded(), List.of()).report();

        assertThat(report.converged()).isFalse();
        assertThat(report.reason()).startsWith("iteration limit of 2 reached").contains("is kept");
        assertThat(report.iterations()).extracting(LoopIteration::kind).containsExactly(IterationKind.CALIBRATION,
                IterationKind.CALIBRATION, IterationKind.CALIBRATION, IterationKind.CANDIDATE, IterationKind.CANDIDATE);
        LoopIteration kept = report.iterations().stream().filter(it -> it.bits().equals(report.finalBits()))
                .filter(it -> it.kind() == IterationKind.CANDIDATE).findFirst().orElseThrow();
        assertThat(kept.meetsBudgets()).isTrue();
        assertThat(report.finalSha256()).isNotNull();
    }

    @Test
    void run_resumedWithEarlierMeasurements_replaysThemAndMeasuresNoCalibrationAgain() throws Exception {
        Recorded before = new Recorded();
        run(request().latencyFraction(2.0).tolerance(1e-12).maxIterations(1), new FakeBoard(), before, List.of());
        List<PastMeasurement> past = before.past();
        FakeBoard after = new FakeBoard();

        LoopReport report = run(request().latencyFraction(2.0).tolerance(1e-12).maxIterations(3), after, new Recorded(),
                past).report();

        assertThat(past).hasSize(4);
        assertThat(after.jobs).hasSize(2); // the two candidates the first run did not reach
        assertThat(after.configurations()).noneMatch(c -> past.stream().anyMatch(p -> p.bits().equals(c)
                && p.kind() == IterationKind.CALIBRATION));
        assertThat(report.iterations()).hasSize(6);
        assertThat(report.iterations().subList(0, 4)).extracting(LoopIteration::measuredMs)
                .isEqualTo(before.iterations.stream().map(LoopIteration::measuredMs).toList());
    }

    @Test
    void run_withBenchmarks_measuresThemAsideWithoutFittingOrCountingThem() throws Exception {
        FakeBoard board = new FakeBoard();
        Recorded recorded = new Recorded();

        RunExecution.Outcome outcome = run(request().latencyFraction(0.9).holdout(2).compareRandom(3), board, recorded,
                List.of());

        int loopMeasurements = outcome.report().iterations().size();
        assertThat(outcome.benchmark().heldOut()).hasSize(2).extracting(LoopIteration::kind)
                .containsOnly(IterationKind.HELD_OUT);
        assertThat(outcome.benchmark().loopMeasurements()).isEqualTo(loopMeasurements);
        int random = outcome.benchmark().randomSearchMeasurements();
        assertThat(board.jobs).hasSize(loopMeasurements + 2 + (random > 0 ? random : 3));
        assertThat(recorded.iterations).hasSize(loopMeasurements);
        assertThat(recorded.measured).hasSize(board.jobs.size()); // every measurement is kept, none is lost
    }
}
