package io.sigmaquant.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.fleet.DispatchLog;
import io.sigmaquant.controller.loop.BudgetVerdict;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.message.JobResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store's behaviour, run against each database it supports. */
abstract class RunStoreContract {
    /** A JDBC URL for a fresh, empty database or schema. */
    abstract String url();

    abstract String user();

    private RunStore open() {
        return RunStore.open(url(), user(), "");
    }

    static JobResult result(String jobId, int attempt) {
        return Results.result("agent-1", jobId, attempt);
    }

    @Test
    void recordMeasurement_sameJobAndAttemptTwice_isStoredOnce() {
        try (RunStore store = open()) {
            store.createRun("run-1", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            assertThat(store.recordMeasurement("run-1", Map.of("/stem/Conv", 8), result("job-1", 1))).isTrue();
            assertThat(store.recordMeasurement("run-1", Map.of("/stem/Conv", 8), result("job-1", 1))).isFalse();
            assertThat(store.recordMeasurement("run-1", Map.of("/stem/Conv", 8), result("job-1", 2))).isTrue();
            assertThat(store.run("run-1").orElseThrow().measurements()).isEqualTo(2);
            assertThat(store.nodeTimes("job-1", 1)).isEqualTo(2);
        }
    }

    @Test
    void reopen_afterARestart_keepsRunsMeasurementsAndCostModels() {
        try (RunStore store = open()) {
            store.createRun("run-2", "vgg.onnx", "raspberry-pi-5", Map.of("size", 1e5), RunStatus.RUNNING);
            store.recordMeasurement("run-2", Map.of("/fc/Gemm", 4), result("job-2", 1));
            store.recordIteration("run-2", calibration(Map.of("/fc/Gemm", 4)), "job-2", 1);
            assertThat(store.saveCostModel("raspberry-pi-5", Map.of("remainderMs", 0.1))).isEqualTo(1);
            assertThat(store.saveCostModel("raspberry-pi-5", Map.of("remainderMs", 0.2))).isEqualTo(2);
            store.finishRun("run-2", true, "done");
        }
        try (RunStore again = open()) {
            RunStore.StoredRun run = again.run("run-2").orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.CONVERGED);
            assertThat(run.measurements()).isEqualTo(1);
            assertThat(run.iterations()).isEqualTo(1);
            assertThat(again.latestCostModel("raspberry-pi-5")).hasValueSatisfying(j -> assertThat(j).contains("0.2"));
            assertThat(again.run("no-such-run")).isEmpty();
        }
    }

    @Test
    void recordIteration_theLoopsJudgement_isReadBackWithTheIteration() {
        try (RunStore store = open()) {
            store.createRun("run-4", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            store.recordMeasurement("run-4", Map.of("/fc/Gemm", 8), result("job-4", 1));
            store.recordMeasurement("run-4", Map.of("/fc/Gemm", 32), result("job-5", 1));
            store.recordIteration("run-4", new LoopIteration(1, IterationKind.CANDIDATE, Map.of("/fc/Gemm", 8), "agent-a",
                    1.9, 2.1, 1.95, 1.9, 2.0, 0.6, 1.0, true, 100, true, BudgetVerdict.MEETS, 0.1), "job-4", 1);
            store.recordIteration("run-4", new LoopIteration(2, IterationKind.CALIBRATION, Map.of("/fc/Gemm", 32),
                    "agent-a", 3.0, 3.2, 3.2, Double.NaN, Double.NaN, Double.NaN, 1.0, true, 400, false,
                    BudgetVerdict.MISSES, Double.NaN), "job-5", 1);

            List<RunStore.StoredIteration> its = store.iterations("run-4");

            assertThat(its.get(0)).extracting(RunStore.StoredIteration::correctedMs, RunStore.StoredIteration::ciLowMs,
                    RunStore.StoredIteration::ciHighMs, RunStore.StoredIteration::verdict)
                    .containsExactly(1.95, 1.9, 2.0, BudgetVerdict.MEETS);
            assertThat(its.get(1)).extracting(RunStore.StoredIteration::ciLowMs, RunStore.StoredIteration::verdict)
                    .containsExactly(null, BudgetVerdict.MISSES);
            // the energy is the measurement's, as its agent reported it: the convergence chart draws it
            assertThat(its.get(0).measuredEnergyMj())
                    .isEqualTo(result("job-4", 1).energy().millijoulesPerInference());
        }
    }

    /** A first calibration iteration predicted at 1.2 ms, measured at 1.5 ms. */
    static LoopIteration calibration(Map<String, Integer> bits) {
        return new LoopIteration(1, IterationKind.CALIBRATION, bits, "agent-a", 1.2, 1.5, 1.5, Double.NaN, Double.NaN,
                Double.NaN, 1.0, true, 100, true, BudgetVerdict.MEETS, Double.NaN);
    }

    /** A 1.1 result: the median's interval and a paired reference. */
    static JobResult pairedResult(String jobId) {
        JobResult r = result(jobId, 1);
        JobResult.Latency l = r.latency();
        return new JobResult(r.schemaVersion(), null, r.correlationId(), r.agentId(), r.jobId(), r.attempt(),
                r.modelSha256(), r.simulated(), new JobResult.Latency(l.runs(), l.medianMs(), l.p90Ms(), l.p99Ms(),
                l.meanMs(), l.cv(), l.totalMs(), 1.45, 1.56, false), r.nodes(), r.energy(), r.peakMemoryBytes(),
                r.before(), r.after(), r.onnxRuntimeVersion(), r.threads(), new JobResult.Reference("d".repeat(64),
                new JobResult.Latency(50, 3.0, 3.2, 3.5, 3.05, 0.04, 160, 2.9, 3.1, true), 8, 0.5, 0.48, 0.53));
    }

    /**
     * Verifies that a listener hears each run created, each status written (not a cancelled run's, which keeps its
     * status) and each iteration exactly as {@link RunStore#iterations} then reads it back.
     */
    @Test
    void listener_runCreatedEndedAndIteration_hearsWhatWasWritten() {
        try (RunStore store = open()) {
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<RunStore.StoredIteration> iterations = new java.util.concurrent.CopyOnWriteArrayList<>();
            store.addListener(new RunListener() {
                @Override
                public void created(String runId, String model, String deviceClass, Map<String, Double> budgets,
                                    RunStatus status) {
                    heard.add("created " + runId + " " + status.wire());
                }

                @Override
                public void statusChanged(String runId, RunStatus status, String reason) {
                    heard.add(runId + " " + status.wire());
                }

                @Override
                public void iterationRecorded(String runId, RunStore.StoredIteration iteration) {
                    iterations.add(iteration);
                }
            });

            store.createRun("run-l", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.QUEUED);
            store.setStatus("run-l", RunStatus.RUNNING, null);
            store.recordMeasurement("run-l", Map.of("/fc/Gemm", 8), result("job-l", 1));
            store.recordIteration("run-l", new LoopIteration(1, IterationKind.CANDIDATE, Map.of("/fc/Gemm", 8),
                    "agent-1", 1.9, 2.1, 1.95, 1.9, 2.0, Double.NaN, 2.5, true, 100, true, BudgetVerdict.MEETS, 0.1),
                    "job-l", 1); // 2.5 mJ: the energy of the measurement it refers to, as in the loop
            store.cancelRun("run-l", "cancelled by a test");
            store.setStatus("run-l", RunStatus.RUNNING, null); // a cancelled run keeps its status: nothing to hear

            assertThat(heard).containsExactly("created run-l queued", "run-l running", "run-l cancelled");
            assertThat(iterations).containsExactlyElementsOf(store.iterations("run-l"));
        }
    }

    @Test
    void recordMeasurement_intervalAndReference_surviveTheStoreInColumnsAndJson() {
        try (RunStore store = open()) {
            store.createRun("run-3", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            JobResult paired = pairedResult("job-3");
            store.recordMeasurement("run-3", Map.of("/stem/Conv", 8), paired);
            store.recordIteration("run-3", calibration(Map.of("/stem/Conv", 8)), "job-3", 1);

            assertThat(store.pastMeasurements("run-3")).singleElement().satisfies(p ->
                    assertThat(p.result()).usingRecursiveComparison().isEqualTo(paired));
            assertThat(store.confidence("job-3", 1)).contains(new RunStore.StoredConfidence(1.45, 1.56, false,
                    "d".repeat(64), 0.5, 0.48, 0.53));
        }
    }

    @Test
    void recordMeasurement_resultWithoutInterval_hasNullColumns() {
        try (RunStore store = open()) {
            store.createRun("run-4", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            store.recordMeasurement("run-4", Map.of("/stem/Conv", 8), result("job-4", 1));
            assertThat(store.confidence("job-4", 1)).contains(new RunStore.StoredConfidence(null, null, null, null,
                    null, null, null));
            assertThat(store.confidence("job-4", 2)).isEmpty();
        }
    }

    /** Verifies that a cancel is final: the run's own end and a restart's bookkeeping leave it cancelled. */
    @Test
    void cancelRun_runningRun_isFinalAndKeepsItsMeasurements() {
        try (RunStore store = open()) {
            store.createRun("run-c", "resnet.onnx", "x86-64-generic", Map.of("size", 4e4), RunStatus.RUNNING);
            store.recordMeasurement("run-c", Map.of("/stem/Conv", 8), result("job-c", 1));
            store.createRun("run-d", "resnet.onnx", "x86-64-generic", Map.of("size", 4e4), RunStatus.QUEUED);
            store.finishRun("run-d", false, "no candidate");

            assertThat(store.cancelRun("run-c", "cancelled by an operator")).isTrue();
            store.failRun("run-c", "interrupted");
            store.finishRun("run-c", true, "done");
            store.setStatus("run-c", RunStatus.QUEUED, "resumed");

            RunStore.StoredRun run = store.run("run-c").orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(run.reason()).isEqualTo("cancelled by an operator");
            assertThat(run.finishedAtMs()).isNotNull();
            assertThat(run.measurements()).isEqualTo(1);
            assertThat(store.cancelRun("run-c", "again")).isFalse();
            assertThat(store.cancelRun("run-d", "too late")).isFalse();
            assertThat(store.run("run-d").orElseThrow().status()).isEqualTo(RunStatus.NOT_CONVERGED);
            assertThat(store.cancelRun("no-such-run", "x")).isFalse();
            assertThat(store.unfinishedRuns()).extracting(RunStore.StoredRun::id).doesNotContain("run-c", "run-d");
        }
    }

    /**
     * Verifies that a run cancelled while its thread waits for the store (every pooled connection busy) still
     * records what it was writing, and that its end afterwards changes nothing and fails nothing: the run stays
     * cancelled, once, and the thread keeps its interrupt for its next wait. The thread used to fail both calls
     * (HikariCP gives up waiting for a connection on an interrupt): "store: ending run … failed".
     */
    @Test
    void cancelRun_runThreadInterruptedWhileWaitingForTheStore_recordsAndIsNotEndedAgain() throws Exception {
        try (RunStore store = open(); Connection blocker = DriverManager.getConnection(url(), user(), "")) {
            store.createOwnedRun("run-x", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING, "replica-a",
                    MINUTE);
            store.createRun("run-busy", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING);
            assertThat(store.cancelRun("run-x", "cancelled by an operator")).isTrue();
            // given: every pooled connection held by a write waiting for a row another transaction has locked
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeUpdate("UPDATE runs SET reason = 'held' WHERE id = 'run-busy'");
            }
            ExecutorService busy = Executors.newFixedThreadPool(Database.POOL_SIZE);
            FutureTask<List<Boolean>> run = new FutureTask<>(() -> List.of(
                    store.recordMeasurement("run-x", Map.of("/fc/Gemm", 8), result("job-x", 1)),
                    store.failRun("run-x", "interrupted", "replica-a"), Thread.currentThread().isInterrupted()));
            try {
                for (int i = 0; i < Database.POOL_SIZE; i++) {
                    busy.execute(() -> store.setStatus("run-busy", RunStatus.RUNNING, "waiting"));
                }
                Thread.sleep(300);
                Thread runThread = new Thread(run);
                runThread.start();
                Thread.sleep(200); // it waits for a connection
                // when: the cancel interrupts the run's thread, then the connections come free
                runThread.interrupt();
                Thread.sleep(100);
                blocker.rollback();

                // then: the measurement is recorded, the end refused quietly, the interrupt kept
                assertThat(run.get(30, TimeUnit.SECONDS)).containsExactly(true, false, true);
            } finally {
                blocker.rollback();
                busy.shutdown();
            }
            RunStore.StoredRun stored = store.run("run-x").orElseThrow();
            assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(stored.reason()).isEqualTo("cancelled by an operator");
            assertThat(stored.measurements()).isEqualTo(1);
        }
    }

    @Test
    void dispatches_failedAttempt_keepsItsReasonAndRunListsItsAttempts() {
        try (RunStore store = open()) {
            store.dispatches().issued(new DispatchLog.IssuedAttempt("job-f", 1, "agent-a", "run-f", Map.of("/fc/Gemm", 4)));
            store.dispatches().issued(new DispatchLog.IssuedAttempt("job-f", 2, "agent-b", "run-f", Map.of("/fc/Gemm", 4)));
            store.dispatches().failed("job-f", 1, "agent-offline");
        }
        try (RunStore again = open()) {
            assertThat(again.dispatches().failures("job-f")).containsExactly(Map.entry(1, "agent-offline"));
            assertThat(again.dispatches().ofRun("run-f")).extracting(DispatchedAttempts.RunAttempt::agentId,
                    DispatchedAttempts.RunAttempt::failure).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("agent-a", "agent-offline"),
                    org.assertj.core.groups.Tuple.tuple("agent-b", null));
            assertThat(again.dispatches().failures("no-such-job")).isEmpty();
        }
    }

    /**
     * Verifies that an attempt is outstanding until it is answered or given up, and that an ended run's attempts
     * are not, oldest first.
     */
    @Test
    void dispatches_outstanding_areTheUnansweredAttemptsOfRunsGoingOn() {
        try (RunStore store = open()) {
            store.createRun("run-o", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            store.createRun("run-e", "resnet.onnx", "x86-64-generic", Map.of("latency", 2.0), RunStatus.RUNNING);
            for (String job : List.of("job-o1", "job-o2", "job-o3")) {
                store.dispatches().issued(new DispatchLog.IssuedAttempt(job, 1, "agent-a", "run-o", Map.of("/fc/Gemm", 4)));
            }
            store.dispatches().issued(new DispatchLog.IssuedAttempt("job-e", 1, "agent-b", "run-e", Map.of("/fc/Gemm", 4)));
            store.recordMeasurement("run-o", Map.of("/fc/Gemm", 4), result("job-o1", 1));
            store.dispatches().failed("job-o2", 1, "lease-expired");
            store.finishRun("run-e", false, "ended");

            List<DispatchedAttempts.OutstandingAttempt> out = store.dispatches().outstanding();

            assertThat(out).extracting(DispatchedAttempts.OutstandingAttempt::jobId).containsExactly("job-o3");
            assertThat(out.get(0).agentId()).isEqualTo("agent-a");
            assertThat(out.get(0).runId()).isEqualTo("run-o");
        }
    }

    /** Verifies that each class's latest cost model is listed once, with the run that fitted it. */
    @Test
    void costModels_latestPerClass_isTheNewestVersionWithItsRun() {
        try (RunStore store = open()) {
            store.costModels().save("raspberry-pi-5", "run-a", Map.of("remainderMs", 0.1));
            store.costModels().save("raspberry-pi-5", "run-b", Map.of("remainderMs", 0.2));
            store.saveCostModel("x86-64-generic", Map.of("remainderMs", 0.3));

            List<CostModels.Latest> latest = store.costModels().latestPerClass();

            assertThat(latest).extracting(CostModels.Latest::deviceClass).containsExactly("raspberry-pi-5",
                    "x86-64-generic");
            assertThat(latest.get(0).version()).isEqualTo(2);
            assertThat(latest.get(0).runId()).isEqualTo("run-b");
            assertThat(latest.get(0).model().get("remainderMs").asDouble()).isEqualTo(0.2);
            assertThat(latest.get(1).runId()).isNull();
        }
    }

    @Test
    void dispatches_issuedAttempt_isFoundAfterAReopen() {
        try (RunStore store = open()) {
            store.dispatches().issued(new DispatchLog.IssuedAttempt("job-9", 1, "agent-a", "run-9", Map.of("/fc/Gemm", 4)));
            store.dispatches().issued(new DispatchLog.IssuedAttempt("job-9", 2, "agent-b", "run-9", Map.of("/fc/Gemm", 4)));
        }
        try (RunStore again = open()) {
            assertThat(again.dispatches().attempts("job-9")).extracting(DispatchLog.IssuedAttempt::agentId)
                    .containsExactlyInAnyOrder("agent-a", "agent-b");
            assertThat(again.dispatches().attempts("job-9")).allSatisfy(a ->
                    assertThat(a.bits()).containsEntry("/fc/Gemm", 4));
            assertThat(again.dispatches().attempts("no-such-job")).isEmpty();
            assertThat(again.dispatches().issuedSince(0, 10)).contains(new DispatchLog.SentTo("job-9", 1, "agent-a"),
                    new DispatchLog.SentTo("job-9", 2, "agent-b"));
            assertThat(again.dispatches().issuedSince(0, 1)).hasSize(1);
            assertThat(again.dispatches().issuedSince(System.currentTimeMillis() + 60_000, 10)).isEmpty();
        }
    }

    @Test
    void tokens_createdToken_isKnownByItsSecretOnlyUntilRevoked() {
        try (RunStore store = open()) {
            ApiTokens.CreatedToken viewer = store.tokens().create("grafana", ApiRole.VIEWER);
            ApiTokens.CreatedToken operator = store.tokens().create(null, ApiRole.OPERATOR);

            assertThat(store.tokens().role(viewer.token())).contains(ApiRole.VIEWER);
            assertThat(store.tokens().role(operator.token())).contains(ApiRole.OPERATOR);
            assertThat(store.tokens().role(viewer.token() + "x")).isEmpty();
            assertThat(store.tokens().list()).extracting(ApiTokens.StoredToken::name)
                    .containsExactlyInAnyOrder("grafana", operator.stored().name());

            store.tokens().revoke("grafana");

            assertThat(store.tokens().role(viewer.token())).isEmpty();
            assertThat(store.tokens().role(operator.token())).contains(ApiRole.OPERATOR);
            assertThat(store.tokens().list()).filteredOn(t -> t.name().equals("grafana")).singleElement()
                    .satisfies(t -> assertThat(t.revokedAtMs()).isNotNull());
        }
    }
    static final java.time.Duration MINUTE = java.time.Duration.ofMinutes(1);

    /** Verifies a run's lease: held by the replica that created it, renewed by it only, gone when the run ends. */
    @Test
    void leases_ownedRun_isRenewedByItsOwnerOnlyAndReleasedWhenItEnds() {
        try (RunStore store = open()) {
            store.createOwnedRun("run-l1", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.QUEUED, "replica-a",
                    MINUTE);

            assertThat(store.run("run-l1").orElseThrow().owner()).isEqualTo("replica-a");
            assertThat(store.leases().renew("replica-b", List.of("run-l1"), MINUTE)).isEmpty();
            assertThat(store.leases().renew("replica-a", List.of("run-l1"), MINUTE)).containsExactly("run-l1");
            assertThat(store.leases().claimExpired("replica-b", 10, MINUTE)).isEmpty();

            assertThat(store.finishRun("run-l1", true, "done", "replica-a")).isTrue();
            assertThat(store.run("run-l1").orElseThrow().owner()).isNull();
            assertThat(store.leases().renew("replica-a", List.of("run-l1"), MINUTE)).isEmpty();
        }
    }

    /** Verifies the fence: a replica whose run was claimed by another cannot end it any more. */
    @Test
    void leases_runClaimedByAnotherReplica_cannotBeEndedByTheFormerOwner() throws Exception {
        try (RunStore store = open()) {
            store.createOwnedRun("run-l2", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING, "replica-a",
                    java.time.Duration.ofMillis(1));
            Thread.sleep(20); // the 1 ms lease is over

            assertThat(store.leases().claimExpired("replica-b", 10, MINUTE)).containsExactly("run-l2");
            assertThat(store.run("run-l2").orElseThrow().owner()).isEqualTo("replica-b");
            assertThat(store.leases().renew("replica-a", List.of("run-l2"), MINUTE)).isEmpty();
            assertThat(store.failRun("run-l2", "stalled", "replica-a")).isFalse();
            assertThat(store.finishRun("run-l2", true, "stalled", "replica-a")).isFalse();
            assertThat(store.run("run-l2").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);

            assertThat(store.finishRun("run-l2", false, "budget not met", "replica-b")).isTrue();
            assertThat(store.run("run-l2").orElseThrow().status()).isEqualTo(RunStatus.NOT_CONVERGED);
        }
    }

    /** Verifies a restarting replica takes back its own runs at once, and a cancel ends the lease. */
    @Test
    void leases_reclaimOwnAndCancel_takeBackOwnRunsAndEndTheLease() {
        try (RunStore store = open()) {
            store.createOwnedRun("run-l3", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING, "replica-a",
                    MINUTE);
            store.createOwnedRun("run-l4", "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING, "replica-b",
                    MINUTE);

            assertThat(store.leases().reclaimOwn("replica-a", MINUTE)).containsExactly("run-l3");
            assertThat(store.cancelRun("run-l3", "by an operator")).isTrue();
            assertThat(store.leases().renew("replica-a", List.of("run-l3"), MINUTE)).isEmpty();
            assertThat(store.leases().reclaimOwn("replica-a", MINUTE)).isEmpty();
        }
    }

    /** Verifies that replicas claiming at once never claim the same run, and that every expired run is claimed. */
    @Test
    void leases_replicasClaimingAtOnce_neverClaimTheSameRun() throws Exception {
        try (RunStore store = open()) {
            for (int i = 0; i < 40; i++) {
                store.createOwnedRun("run-c" + i, "resnet.onnx", "x86-64-generic", Map.of(), RunStatus.RUNNING, "dead",
                        java.time.Duration.ofMillis(1));
            }
            Thread.sleep(20);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<List<String>>> claims = new java.util.ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    String replica = "replica-" + r;
                    claims.add(pool.submit(() -> {
                        List<String> mine = new java.util.ArrayList<>();
                        List<String> got;
                        do { // until nothing is left that is not locked by another replica's claim
                            got = store.leases().claimExpired(replica, 3, MINUTE);
                            mine.addAll(got);
                        } while (!got.isEmpty());
                        return mine;
                    }));
                }
                List<String> all = new java.util.ArrayList<>();
                for (var c : claims) {
                    all.addAll(c.get());
                }
                all.addAll(store.leases().claimExpired("replica-late", 40, MINUTE)); // any a replica skipped
                assertThat(all).doesNotHaveDuplicates().hasSize(40);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
