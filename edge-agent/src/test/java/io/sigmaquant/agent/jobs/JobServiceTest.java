package io.sigmaquant.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sigmaquant.agent.energy.EstimatedEnergyMeter;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.agent.testing.Boards;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.ReplyLog;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job service with real downloads and real ONNX Runtime measurements; replies collected in memory. */
class JobServiceTest {
    private final MessageCodec codec = new MessageCodec();
    private final ReplyLog replies = new ReplyLog();
    private final ModelServer server = new ModelServer();
    private JobService service;
    private ModelServer.Served resnet;

    @TempDir
    Path cacheDir;

    @BeforeEach
    void start() throws Exception {
        resnet = server.serveFixture("resnet");
        ModelCache cache = new ModelCache(cacheDir, 64 << 20);
        Measurer measurer = new Measurer(new EstimatedEnergyMeter(2), new SystemProbe(Path.of("/"), Boards.NO_COMMANDS),
                Clock.SYSTEM, cacheDir);
        service = new JobService("agent-1", new MeasuringExecutor("agent-1", new ModelFetcher(cache, 16 << 20), cache,
                measurer, "estimate"), replies, 4, new SimpleMeterRegistry(), System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        service.close();
        server.close();
    }

    @Test
    void onMessage_validJob_isAcceptedMeasuredAndAnsweredWithPerNodeTimes() {
        service.onMessage(codec.encode(Jobs.job("j1", resnet, Jobs.inAMinute())));
        replies.awaitFinals(1);
        assertThat(replies.of(JobAccepted.class)).singleElement().extracting(JobAccepted::jobId).isEqualTo("j1");
        JobResult r = replies.of(JobResult.class).get(0);
        assertThat(r.latency().runs()).isGreaterThanOrEqualTo(20);
        assertThat(r.nodes()).isNotEmpty();
        assertThat(r.energy().meter()).isEqualTo("estimate");
        assertThat(r.energy().estimated()).isTrue();
        assertThat(r.simulated()).isFalse();
    }

    @Test
    void onMessage_sameJobIdTwice_isMeasuredOnce() throws Exception {
        byte[] job = codec.encode(Jobs.job("dup", resnet, Jobs.inAMinute()));
        service.onMessage(job);
        service.onMessage(job);
        replies.awaitFinals(1);
        Thread.sleep(500);
        assertThat(replies.of(JobAccepted.class)).hasSize(1);
        assertThat(replies.of(JobResult.class)).hasSize(1);
        assertThat(replies.of(JobError.class)).isEmpty();
    }

    @Test
    void onMessage_retryWithANewAttempt_isMeasuredAgain() {
        var first = Jobs.job("retry", resnet, Jobs.inAMinute());
        var second = new io.sigmaquant.protocol.message.MeasurementJob(first.schemaVersion(), null, first.correlationId(),
                first.jobId(), 2, first.model(), first.input(), first.settings(), first.deadlineMs(), first.workload());
        service.onMessage(codec.encode(first));
        service.onMessage(codec.encode(second));
        replies.awaitFinals(2);
        assertThat(replies.of(JobResult.class)).extracting(JobResult::attempt).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void onMessage_badInputs_eachGetAnErrorNamingTheCauseAndTheNextJobStillRuns() {
        String good = new String(codec.encode(Jobs.job("ok", resnet, Jobs.inAMinute())), StandardCharsets.UTF_8);
        service.onMessage("{not json".getBytes(StandardCharsets.UTF_8));
        service.onMessage(good.replace("\"" + Messages.SCHEMA_VERSION + "\"", "\"9.0\"").replace("\"ok\"", "\"v9\"").getBytes(StandardCharsets.UTF_8));
        service.onMessage(codec.encode(Jobs.job("late", resnet, System.currentTimeMillis() - 1)));
        byte[] notOnnx = "definitely not a model".getBytes(StandardCharsets.UTF_8);
        service.onMessage(codec.encode(Jobs.job("refused", server.serve("junk", notOnnx), notOnnx, Jobs.inAMinute())));
        service.onMessage(good.getBytes(StandardCharsets.UTF_8));
        replies.awaitFinals(5);
        assertThat(replies.of(JobError.class)).extracting(JobError::code).containsExactlyInAnyOrder(
                JobError.Codes.MALFORMED, JobError.Codes.UNSUPPORTED_VERSION, JobError.Codes.DEADLINE_EXCEEDED,
                JobError.Codes.MODEL_REJECTED);
        assertThat(replies.of(JobError.class)).filteredOn(e -> "v9".equals(e.jobId())).hasSize(1);
        assertThat(replies.of(JobResult.class)).singleElement().extracting(JobResult::jobId).isEqualTo("ok");
        assertThat(cacheDir.resolve(ModelServer.sha256(notOnnx) + ".onnx")).doesNotExist();
    }

    @Test
    void onMessage_cancelOfAQueuedJob_answersCancelled() {
        service.onMessage(codec.encode(Jobs.job("first", resnet, Jobs.inAMinute())));
        service.onMessage(codec.encode(Jobs.job("second", resnet, Jobs.inAMinute())));
        service.onMessage(codec.encode(new CancelJob("1.0", null, "c", "second")));
        replies.awaitFinals(2);
        assertThat(replies.of(JobError.class)).singleElement().satisfies(e -> {
            assertThat(e.jobId()).isEqualTo("second");
            assertThat(e.code()).isEqualTo(JobError.Codes.CANCELLED);
        });
    }

    @Test
    void onMessage_jobWithAReference_measuresBothInRoundsAndReportsTheRatio() throws Exception {
        byte[] vgg = Files.readAllBytes(Fixtures.model("vgg"));
        var plain = Jobs.job("paired", resnet, Jobs.inAMinute());
        var job = new io.sigmaquant.protocol.message.MeasurementJob(plain.schemaVersion(), null,
                plain.correlationId(), plain.jobId(), 1, plain.model(), plain.input(),
                new io.sigmaquant.protocol.message.MeasurementJob.Settings(1, 2, 12, 20, false, 300, 0.02),
                plain.deadlineMs(), List.of(), new io.sigmaquant.protocol.message.MeasurementJob.ModelRef(
                        server.serve("vgg", vgg), ModelServer.sha256(vgg), vgg.length), List.of());
        service.onMessage(codec.encode(job));
        replies.awaitFinals(1);
        JobResult r = replies.of(JobResult.class).get(0);
        JobResult.Reference ref = r.reference();
        assertThat(ref.modelSha256()).isEqualTo(ModelServer.sha256(vgg));
        assertThat(ref.rounds()).isGreaterThanOrEqualTo(6);
        assertThat(ref.latency().runs()).isGreaterThanOrEqualTo(12);
        assertThat(r.latency().runs()).isGreaterThanOrEqualTo(12);
        assertThat(ref.ratioCiLow()).isLessThanOrEqualTo(ref.ratio());
        assertThat(ref.ratioCiHigh()).isGreaterThanOrEqualTo(ref.ratio());
        assertThat(r.latency().medianCiLowMs()).isLessThanOrEqualTo(r.latency().medianMs());
        assertThat(r.latency().ciTargetReached()).isNotNull();
        assertThat(cacheDir.resolve(ModelServer.sha256(vgg) + ".onnx")).exists();
    }
}
