package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link JobDispatcher#cancelRun}: the agent holding a run's job is sent a cancel, and no job of the run is sent
 * again. The simulated agent holds every job and answers every cancel with a "cancelled" error, as the real one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDispatcherCancelTest {
    static final String CLASS = "x86-64-generic";
    /** A lease far longer than the test: an attempt ends only by its answer or the cancel. */
    static final JobPolicy POLICY = new JobPolicy(Duration.ofMinutes(10), 3, Duration.ofSeconds(30));

    final FleetRegistry registry = new FleetRegistry();
    final List<MeasurementJob> published = new CopyOnWriteArrayList<>();
    /** "agent: job id (correlation id)" of every cancel sent. */
    final List<String> cancels = new CopyOnWriteArrayList<>();
    final JobDispatcher dispatcher = new JobDispatcher(registry, (agent, job) -> published.add(job), this::cancel,
            new DispatchListener() { }, new MemoryDispatchLog());

    JobDispatcherCancelTest() {
        registry.update(new AgentStatus(Messages.SCHEMA_VERSION, null, "s", "agent-a", AgentStatus.ONLINE, CLASS,
                new AgentStatus.Capabilities("amd64", "Linux", 2, 4096, "1.23.2", List.of("CPU"), "estimate", false,
                        "test"), System.currentTimeMillis()));
    }

    private void cancel(String agentId, CancelJob c) {
        cancels.add(agentId + ": " + c.jobId() + " (" + c.correlationId() + ")");
        int attempt = published.stream().filter(j -> j.jobId().equals(c.jobId())).mapToInt(MeasurementJob::attempt)
                .max().orElse(0);
        dispatcher.onReply(agentId, new JobError(Messages.SCHEMA_VERSION, null, c.correlationId(), agentId, c.jobId(),
                attempt, JobError.Codes.CANCELLED, "cancelled while running"));
    }

    private CompletableFuture<Dispatcher.Measured> measureAsync(MeasurementJob job) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return dispatcher.measure(CLASS, job, POLICY);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    private static MeasurementJob job(String id) {
        return Jobs.job(id, "http://127.0.0.1:1/models/" + "c".repeat(64), "c".repeat(64), 1000, Jobs.inAMinute(),
                List.of());
    }

    @Test
    void cancelRun_jobAtAnAgent_cancelSentThereAndTheJobNotSentAgain() throws Exception {
        // given: a job of run corr-j1 held by agent-a
        MeasurementJob job = job("j1");
        CompletableFuture<Dispatcher.Measured> measuring = measureAsync(job);
        Awaitility.await().until(() -> published.size() == 1);

        // when
        int sent = dispatcher.cancelRun(job.correlationId());

        // then: the holder is told, answers, and the measurement ends without another attempt
        assertThat(sent).isEqualTo(1);
        assertThat(cancels).containsExactly("agent-a: j1 (corr-j1)");
        assertThatThrownBy(() -> measuring.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(InterruptedException.class).hasRootCauseMessage("run corr-j1 was cancelled");
        assertThat(published).hasSize(1);
    }

    @Test
    void measure_ofACancelledRun_sendsNothing() {
        assertThat(dispatcher.cancelRun("corr-j2")).isZero();

        assertThatThrownBy(() -> dispatcher.measure(CLASS, job("j2"), POLICY)).isInstanceOf(InterruptedException.class);
        assertThat(published).isEmpty();
        assertThat(cancels).isEmpty();
    }

    @Test
    void cancelRun_otherRun_leavesThisOnesJobAlone() throws Exception {
        MeasurementJob job = job("j3");
        CompletableFuture<Dispatcher.Measured> measuring = measureAsync(job);
        Awaitility.await().until(() -> published.size() == 1);

        assertThat(dispatcher.cancelRun("corr-other")).isZero();

        assertThat(cancels).isEmpty();
        assertThat(measuring).isNotDone();
        dispatcher.cancelRun(job.correlationId()); // let it end
        assertThatThrownBy(() -> measuring.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
}
