package io.sigmaquant.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.jobs.Availability;
import io.sigmaquant.agent.jobs.JobChecks;
import io.sigmaquant.agent.jobs.JobService;
import io.sigmaquant.agent.jobs.MeasuringExecutor;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.ReplyLog;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job service measuring in a real worker process with real ONNX Runtime; jobs named {@code block…} hang in the
 * worker ({@link BlockingWorkerMain}, the only fake). Verifies that the deadline and cancels are enforced from
 * outside the worker, that every cancel is answered, and that the agent measures the next job afterwards.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkerWatchdogTest {
    private static final int CORES = 2;
    private final MessageCodec codec = new MessageCodec();
    private final ReplyLog replies = new ReplyLog();
    private final List<String> availability = new CopyOnWriteArrayList<>();
    private final ModelServer server = new ModelServer();
    private JobService service;
    private ModelServer.Served resnet;

    @TempDir
    Path cacheDir;

    @BeforeEach
    void start() throws Exception {
        resnet = server.serveFixture("resnet");
        ModelCache cache = new ModelCache(cacheDir, 64 << 20);
        Availability available = new Availability(r -> availability.add(String.valueOf(r)));
        WorkerMeasurer worker = new WorkerMeasurer(WorkerCommand.of(new WorkerCommand.Settings("agent-1",
                "x86-64-generic", "estimate", Path.of("/"), cacheDir, ExecutionProvider.CPU), BlockingWorkerMain.class), available);
        service = new JobService("agent-1", new MeasuringExecutor(new ModelFetcher(cache, 16 << 20), cache, worker,
                "estimate"), replies, 4, new SimpleMeterRegistry(), System::currentTimeMillis,
                JobChecks.anyBits(CORES), available);
    }

    @AfterEach
    void stop() {
        service.close();
        server.close();
    }

    private MeasurementJob job(String id, long deadlineMs) {
        return Jobs.job(id, resnet, deadlineMs);
    }

    private void awaitPhase(String jobId, String phase) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> replies.all().stream().anyMatch(m ->
                m instanceof JobProgress p && p.jobId().equals(jobId) && p.phase().equals(phase)));
    }

    @Test
    void onMessage_measurementThatNeverReturns_answersByItsDeadlineAndThenMeasuresTheNextJob() {
        service.onMessage(codec.encode(job("block-1", System.currentTimeMillis() + 4_000)));
        service.onMessage(codec.encode(job("after", Jobs.inAMinute())));
        assertThat(replies.awaitFinal("block-1", 30)).isInstanceOfSatisfying(JobError.class, e ->
                assertThat(e.code()).isEqualTo(JobError.Codes.DEADLINE_EXCEEDED));
        assertThat(replies.awaitFinal("after", 60)).isInstanceOf(JobResult.class);
        assertThat(availability).doesNotContain("null").noneMatch(r -> r.contains("cannot start"));
    }

    /** The job with another input and settings. */
    private static MeasurementJob with(MeasurementJob j, MeasurementJob.InputSpec input, MeasurementJob.Settings s) {
        return new MeasurementJob(j.schemaVersion(), null, j.correlationId(), j.jobId(), 1, j.model(), input, s,
                j.deadlineMs(), List.of());
    }

    private void assertError(String jobId, String code, String field, int seconds) {
        assertThat(replies.awaitFinal(jobId, seconds)).isInstanceOfSatisfying(JobError.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).startsWith(field);
        });
    }

    @Test
    void onMessage_threadsAboveTheProtocolLimit_getAnErrorNamingSettingsThreads() {
        String json = new String(codec.encode(job("t100k", Jobs.inAMinute())), StandardCharsets.UTF_8);
        service.onMessage(json.replace("\"threads\":1", "\"threads\":100000").getBytes(StandardCharsets.UTF_8));
        assertError("t100k", JobError.Codes.MALFORMED, "settings.threads", 10);
    }

    @Test
    void onMessage_threadsAboveTheBoardsCores_getInvalidJobNamingSettingsThreads() {
        MeasurementJob j = job("t3", Jobs.inAMinute());
        service.onMessage(codec.encode(with(j, j.input(), new MeasurementJob.Settings(CORES + 1, 1, 5, 10, false))));
        assertError("t3", JobError.Codes.INVALID_JOB, "settings.threads", 10);
    }

    @Test
    void onMessage_inputTheModelDoesNotHave_getsInvalidJobNamingInputName() {
        MeasurementJob j = job("noinput", Jobs.inAMinute());
        MeasurementJob.InputSpec in = j.input();
        service.onMessage(codec.encode(with(j, new MeasurementJob.InputSpec("pixels", in.shape(), in.scale(),
                in.mean(), in.std()), j.settings())));
        assertError("noinput", JobError.Codes.INVALID_JOB, "input.name", 60);
    }

    @Test
    void onMessage_cancels_areAnsweredForRunningQueuedAndUnknownJobs() {
        service.onMessage(codec.encode(job("block-run", Jobs.inAMinute())));
        service.onMessage(codec.encode(job("queued", Jobs.inAMinute())));
        awaitPhase("block-run", "blocking");
        service.onMessage(codec.encode(new CancelJob(Messages.SCHEMA_VERSION, null, "c1", "queued")));
        assertThat(replies.finalReply("queued")).get().isInstanceOfSatisfying(JobError.class, e ->
                assertThat(e.code()).isEqualTo(JobError.Codes.CANCELLED));
        service.onMessage(codec.encode(new CancelJob(Messages.SCHEMA_VERSION, null, "c2", "nobody")));
        assertThat(replies.finalReply("nobody")).get().isInstanceOfSatisfying(JobError.class, e ->
                assertThat(e.code()).isEqualTo(JobError.Codes.UNKNOWN_JOB));
        service.onMessage(codec.encode(new CancelJob(Messages.SCHEMA_VERSION, null, "c3", "block-run")));
        assertThat(replies.awaitFinal("block-run", 20)).isInstanceOfSatisfying(JobError.class, e ->
                assertThat(e.code()).isEqualTo(JobError.Codes.CANCELLED));
        service.onMessage(codec.encode(new CancelJob(Messages.SCHEMA_VERSION, null, "c4", "block-run")));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> replies.all().stream().filter(m ->
                m instanceof JobError e && "block-run".equals(e.jobId())).count() == 2);
        assertThat(replies.all().stream().filter(m -> m instanceof JobError e && "block-run".equals(e.jobId()))
                .map(m -> ((JobError) m).code())).containsExactly(JobError.Codes.CANCELLED, JobError.Codes.UNKNOWN_JOB);
    }
}
