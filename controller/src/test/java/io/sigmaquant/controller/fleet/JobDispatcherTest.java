package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatcher's decisions without a broker or agents: a fake fleet, whose agents are told per test to
 * answer, stay silent or go offline, stands in for MQTT so that every outcome is decided by the test. Answers
 * are given inside {@code publish}, before the dispatcher waits, so that nothing depends on the machine's
 * speed; only a silent agent makes a test wait, for its short lease.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDispatcherTest {
    static final String CLASS = "x86-64-generic";
    /** Short, so that tests of a silent agent are quick; a test's outcome never depends on it. */
    static final JobPolicy POLICY = new JobPolicy(Duration.ofMillis(300), 3, Duration.ofSeconds(30));

    /** How a fake agent treats a job it is sent. */
    enum Behaviour { ANSWER, SILENT, GO_OFFLINE, REFUSE, FORGED_FIRST }

    final FleetRegistry registry = new FleetRegistry();
    final Map<String, Behaviour> behaviour = new ConcurrentHashMap<>();
    /** "agent#attempt" of every job published, in order. */
    final List<String> published = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Every result handed to the result sink (the store), as "job#attempt of run from agent". */
    final List<String> kept = new CopyOnWriteArrayList<>();
    final List<String> untrusted = new CopyOnWriteArrayList<>();
    final MemoryDispatchLog log = new MemoryDispatchLog();
    final JobDispatcher dispatcher = new JobDispatcher(registry, this::publish, (a, c) -> { }, new DispatchListener() {
        @Override
        public void attemptFailed(AttemptFailure why) {
            events.add(why.label());
        }

        @Override
        public void succeeded(long elapsedNanos) {
            events.add("succeeded");
        }

        @Override
        public void lateResult() {
            events.add("late");
        }

        @Override
        public void untrusted(Untrusted reason) {
            untrusted.add(reason.label());
        }
    }, log);

    /** Every acknowledgement sent, as "job#attempt to agent". */
    final List<String> acknowledged = new CopyOnWriteArrayList<>();

    JobDispatcherTest() {
        dispatcher.acknowledgeWith((agent, r) -> acknowledged.add(r.jobId() + "#" + r.attempt() + " to " + agent));
        dispatcher.onResult((a, r) -> kept.add(a.jobId() + "#" + a.attempt() + " of " + a.runId() + " from "
                + r.agentId()));
    }

    private void publish(String agentId, MeasurementJob job) {
        published.add(agentId + "#" + job.attempt());
        switch (behaviour.getOrDefault(agentId, Behaviour.ANSWER)) {
            case ANSWER -> dispatcher.onReply(agentId, Results.result(agentId, job.jobId(), job.attempt()));
            case FORGED_FIRST -> {
                // a client that read the job answers first: on its own topic, then naming the real agent
                dispatcher.onReply("evil-1", Results.result("evil-1", job.jobId(), job.attempt()));
                dispatcher.onReply("evil-1", Results.result(agentId, job.jobId(), job.attempt()));
                dispatcher.onReply(agentId, Results.result(agentId, job.jobId(), job.attempt()));
            }
            case REFUSE -> dispatcher.onReply(agentId, new JobError(Messages.SCHEMA_VERSION, null, "c", agentId, job.jobId(),
                    job.attempt(), JobError.Codes.MEASUREMENT_FAILED, "the board is on fire"));
            case GO_OFFLINE -> registry.update(status(agentId, AgentStatus.OFFLINE)); // its Last Will
            case SILENT -> { }
        }
    }

    private void online(String agentId) {
        registry.update(status(agentId, AgentStatus.ONLINE));
    }

    static AgentStatus status(String agentId, String state) {
        boolean online = state.equals(AgentStatus.ONLINE);
        return new AgentStatus(Messages.SCHEMA_VERSION, null, "status-" + agentId, agentId, state,
                online ? CLASS : null, online ? new AgentStatus.Capabilities("amd64", "Linux", 2, 4096, "1.23.2",
                List.of("CPU"), "estimate", false, "test") : null, System.currentTimeMillis());
    }

    static MeasurementJob job(String id) {
        return Jobs.job(id, "http://127.0.0.1:1/models/" + "c".repeat(64), "c".repeat(64), 1000, Jobs.inAMinute(),
                List.of());
    }

    @Test
    void measure_oneRunsJobsOneAfterAnother_spreadOverTheIdleAgents() throws Exception {
        online("agent-a");
        online("agent-b");
        online("agent-c");

        List<String> measuredBy = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) { // a run's calibration jobs: one at a time, all of run "corr-calibration"
            MeasurementJob j = job("cal-" + i);
            MeasurementJob ofRun = new MeasurementJob(j.schemaVersion(), null, "corr-calibration", j.jobId(), 1,
                    j.model(), j.input(), j.settings(), j.deadlineMs(), j.workload());
            measuredBy.add(dispatcher.measure(CLASS, ofRun, POLICY).agentId());
        }

        // each agent measured two: one slow board cannot bias the whole fit
        assertThat(measuredBy).containsExactly("agent-a", "agent-b", "agent-c", "agent-a", "agent-b", "agent-c");
    }

    @Test
    void measure_leaseExpires_retriesOnTheOtherAgentAsTheNextAttempt() throws Exception {
        online("agent-a");
        online("agent-b");
        behaviour.put("agent-a", Behaviour.SILENT);

        Dispatcher.Measured m = dispatcher.measure(CLASS, job("j1"), POLICY);

        assertThat(published).containsExactly("agent-a#1", "agent-b#2");
        assertThat(m.agentId()).isEqualTo("agent-b");
        assertThat(m.result().attempt()).isEqualTo(2);
        assertThat(events).containsExactly("timeout", "succeeded");
    }

    @Test
    void withAttempt_pairedJob_keepsItsReferenceOnEveryAttempt() {
        MeasurementJob j = job("j-paired");
        MeasurementJob.ModelRef reference = new MeasurementJob.ModelRef("http://127.0.0.1:1/models/" + "d".repeat(64),
                "d".repeat(64), 2000);
        List<MeasurementJob.LayerWork> floatWork = List.of(new MeasurementJob.LayerWork("conv", 10, 5, 32, 7));
        MeasurementJob paired = new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), 1, j.model(),
                j.input(), j.settings(), j.deadlineMs(), j.workload(), reference, floatWork);

        MeasurementJob second = JobDispatcher.withAttempt(paired, 2, Duration.ofSeconds(5));

        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.reference()).isEqualTo(reference);
        assertThat(second.referenceWorkload()).isEqualTo(floatWork);
        assertThat(second).usingRecursiveComparison().ignoringFields("attempt", "deadlineMs").isEqualTo(paired);
    }

    @Test
    void onReply_qos1DuplicateOfAResult_isTakenOnce() throws Exception {
        online("agent-a");
        Dispatcher.Measured m = dispatcher.measure(CLASS, job("j2"), POLICY);

        // the broker delivers the same reply again (QoS 1 is at least once)
        dispatcher.onReply("agent-a", m.result());

        assertThat(events).containsExactly("succeeded");
        assertThat(kept).containsExactly("j2#1 of corr-j2 from agent-a");
        assertThat(untrusted).isEmpty();
        assertThat(dispatcher.lateResults()).isZero();
    }

    @Test
    void onReply_lateResultAfterARetry_isHandedOnOnceAndNotUsed() throws Exception {
        online("agent-a");
        online("agent-b");
        behaviour.put("agent-a", Behaviour.SILENT);
        Dispatcher.Measured used = dispatcher.measure(CLASS, job("j3"), POLICY);

        // agent-a finishes the attempt that was given up, and QoS 1 delivers its result twice
        JobResult lateResult = Results.result("agent-a", "j3", 1);
        dispatcher.onReply("agent-a", lateResult);
        dispatcher.onReply("agent-a", lateResult);

        assertThat(used.agentId()).isEqualTo("agent-b");
        assertThat(kept).containsExactly("j3#2 of corr-j3 from agent-b", "j3#1 of corr-j3 from agent-a");
        assertThat(dispatcher.lateResults()).isEqualTo(1);
        assertThat(events).containsExactly("timeout", "succeeded", "late");
    }

    @Test
    void onReply_resultOfAJobNeverIssued_isCountedNotRecorded() {
        JobResult invented = Results.result("agent-a", "never-issued", 1);

        dispatcher.onReply("agent-a", invented);
        dispatcher.onReply("agent-a", invented);

        assertThat(untrusted).containsExactly("unknown-job", "unknown-job");
        assertThat(kept).isEmpty();
        assertThat(events).isEmpty();
    }

    /**
     * Verifies that a flood of replies for invented jobs costs the store a bounded number of reads: unknown jobs
     * are looked up (another replica may have issued them) within the agent's budget, the rest refused unread.
     */
    @Test
    void onReply_manyRepliesForUnknownJobs_readTheLogWithinTheAgentsBudget() {
        for (int i = 0; i < 1000; i++) {
            dispatcher.onReply("agent-a", Results.result("agent-a", "invented-" + i, 1));
        }

        assertThat(untrusted).hasSize(1000).containsOnly("unknown-job", "lookups-exceeded");
        // one read fills the memory; then the burst, and what the budget refilled while the loop ran
        long lookedUp = untrusted.stream().filter("unknown-job"::equals).count();
        assertThat(log.reads()).isEqualTo(1 + lookedUp);
        assertThat(lookedUp).isBetween((long) JobDispatcher.LOOKUP_BURST, JobDispatcher.LOOKUP_BURST + 100L);
    }

    /** Verifies a reply for an attempt another replica issued after this one read the log: looked up, and kept. */
    @Test
    void onReply_resultOfAnotherReplicasAttempt_isLookedUpAndKept() {
        online("agent-a");
        dispatcher.onReply("agent-a", Results.result("agent-a", "nobody-s-job", 1)); // the memory is filled now
        log.issued(new DispatchLog.IssuedAttempt("sent-by-replica-2", 1, "agent-a", "run-2", Map.of("conv", 4)));

        dispatcher.onReply("agent-a", Results.result("agent-a", "sent-by-replica-2", 1));

        assertThat(kept).containsExactly("sent-by-replica-2#1 of run-2 from agent-a");
        assertThat(untrusted).containsExactly("unknown-job");
    }

    @Test
    void onReply_resultIssuedBeforeARestart_isRecordedOnlyFromItsAgent() {
        // given: the store remembers attempt 1 of a job, sent to agent-a by the controller before this one
        log.issued(new DispatchLog.IssuedAttempt("sent-before-a-restart", 1, "agent-a", "run-1", Map.of("conv", 8)));

        dispatcher.onReply("agent-b", Results.result("agent-b", "sent-before-a-restart", 1));
        dispatcher.onReply("agent-a", Results.result("agent-a", "sent-before-a-restart", 2));
        dispatcher.onReply("agent-a", Results.result("agent-a", "sent-before-a-restart", 1));
        dispatcher.onReply("agent-a", Results.result("agent-a", "sent-before-a-restart", 1));

        assertThat(untrusted).containsExactly("foreign-agent", "wrong-attempt");
        assertThat(kept).containsExactly("sent-before-a-restart#1 of run-1 from agent-a");
    }

    /** Verifies the issue's attack: a client that answers first, for a real job in flight, is not believed. */
    @Test
    void onReply_forgedResultsForAJobInFlight_areRefusedAndTheRealOneIsUsed() throws Exception {
        online("agent-a");
        behaviour.put("agent-a", Behaviour.FORGED_FIRST);

        Dispatcher.Measured m = dispatcher.measure(CLASS, job("j8"), POLICY);

        assertThat(m.agentId()).isEqualTo("agent-a");
        assertThat(m.result().agentId()).isEqualTo("agent-a");
        assertThat(untrusted).containsExactly("foreign-agent", "spoofed-agent-id");
        assertThat(events).containsExactly("succeeded");
        assertThat(log.attempts("j8")).extracting(DispatchLog.IssuedAttempt::agentId).containsExactly("agent-a");
    }

    @Test
    void onReply_errorAndProgressFromAnotherAgentForAJobInFlight_areRefused() throws Exception {
        online("agent-a");
        online("agent-b");
        behaviour.put("agent-a", Behaviour.SILENT);
        Thread forger = new Thread(() -> {
            while (log.attempts("j9").isEmpty()) {
                Thread.onSpinWait();
            }
            dispatcher.onReply("agent-b", new JobError(Messages.SCHEMA_VERSION, null, "c", "agent-b", "j9", 1,
                    JobError.Codes.MEASUREMENT_FAILED, "forged"));
        });
        forger.start();

        Dispatcher.Measured m = dispatcher.measure(CLASS, job("j9"), POLICY);
        forger.join();

        // the forged error did not end attempt 1 early: it ran out its lease
        assertThat(events).containsExactly("timeout", "succeeded");
        assertThat(untrusted).containsExactly("foreign-agent");
        assertThat(m.agentId()).isEqualTo("agent-b");
    }

    @Test
    void measure_agentGoesOfflineMidJob_retriesOnAnAgentThatComesOnline() throws Exception {
        online("agent-a");
        behaviour.put("agent-a", Behaviour.GO_OFFLINE);
        // agent-b connects once agent-a has dropped off, while its attempt is still out
        Thread later = new Thread(() -> {
            try {
                while (!registry.online(CLASS).isEmpty()) {
                    Thread.sleep(10);
                }
                online("agent-b");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        later.start();

        Dispatcher.Measured m = dispatcher.measure(CLASS, job("j5"), POLICY);
        later.join();

        assertThat(published).containsExactly("agent-a#1", "agent-b#2");
        assertThat(m.agentId()).isEqualTo("agent-b");
        assertThat(registry.online(CLASS)).extracting(FleetRegistry.Agent::id).containsExactly("agent-b");
    }

    @Test
    void measure_agentOfflineAfterFailingTwice_isNotTriedAgainThoughItWasFirst() throws Exception {
        online("agent-a");
        online("agent-b");
        behaviour.put("agent-a", Behaviour.GO_OFFLINE);
        behaviour.put("agent-b", Behaviour.REFUSE);

        assertThatThrownBy(() -> dispatcher.measure(CLASS, job("j6"), POLICY)).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("attempt 1 on agent-a: agent-offline")
                .hasMessageContaining("attempt 2 on agent-b: measurement-failed (the board is on fire)")
                .hasMessageContaining("attempt 3 on agent-b");
        assertThat(published).containsExactly("agent-a#1", "agent-b#2", "agent-b#3");
    }

    @Test
    void measure_noAgentOfTheClassOnline_failsAfterTheWait() {
        JobPolicy shortWait = new JobPolicy(Duration.ofSeconds(1), 1, Duration.ofMillis(300));

        assertThatThrownBy(() -> dispatcher.measure(CLASS, job("j7"), shortWait)).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("no online agent of device class " + CLASS);
        assertThat(published).isEmpty();
    }

    /**
     * Verifies that a result is acknowledged once it is kept — again when the agent sends it again (its ack was
     * lost) — and that neither an untrusted result nor one whose attempt the log lacks is acknowledged.
     */
    @Test
    void onReply_keptResult_isAcknowledgedEachTimeItComesAndUntrustedOnesNever() throws Exception {
        online("agent-a");
        dispatcher.measure(CLASS, job("j-ack"), POLICY);
        dispatcher.onReply("agent-a", Results.result("agent-a", "j-ack", 1)); // the agent's resend
        dispatcher.onReply("agent-b", Results.result("agent-b", "j-ack", 1)); // not the agent it was sent to
        dispatcher.onReply("agent-a", Results.result("agent-a", "never-issued", 1));

        assertThat(acknowledged).containsExactly("j-ack#1 to agent-a", "j-ack#1 to agent-a");
        assertThat(kept).containsExactly("j-ack#1 of corr-j-ack from agent-a");
    }
}
