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
import io.sigmaquant.agent.testing.StallingServer;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a model download stalled mid-body (the server's test hook holds the rest of the body) ends
 * with the job's deadline or cancel, gets its reply, and that the agent then measures the next job. The
 * deadline passes on an injected clock; the class timeout only guards against a hang.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DownloadDeadlineTest {
    private final MessageCodec codec = new MessageCodec();
    private final ReplyLog replies = new ReplyLog();
    private final ModelServer server = new ModelServer();
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private StallingServer stalling;
    private JobService service;

    @TempDir
    Path cacheDir;

    @BeforeEach
    void start() throws Exception {
        // the stalled model is the resnet fixture, so that the stall is origin-trusted and of a real size
        stalling = new StallingServer(Files.readAllBytes(Fixtures.model("resnet")));
        ModelCache cache = new ModelCache(cacheDir, 64 << 20);
        Measurer measurer = new Measurer(new EstimatedEnergyMeter(2), new SystemProbe(Path.of("/"),
                Boards.NO_COMMANDS), Clock.SYSTEM, cacheDir);
        service = new JobService("agent-1", new MeasuringExecutor("agent-1", new ModelFetcher(cache, 16 << 20), cache,
                measurer, "estimate"), replies, 4, new SimpleMeterRegistry(), now::get);
    }

    @AfterEach
    void stop() {
        service.close();
        stalling.close();
        server.close();
    }

    private void sendStalledJob(String id, long deadlineMs) throws Exception {
        byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
        service.onMessage(codec.encode(Jobs.job(id, stalling.url("resnet"), resnet, deadlineMs)));
        stalling.awaitHalfSent();
    }

    @Test
    void deadlinePassesDuringAStalledDownload_jobIsDeadlineExceededAndTheNextJobIsMeasured() throws Exception {
        long deadline = now.get() + 60_000;
        sendStalledJob("stalled", deadline);
        now.set(deadline + 1);

        Message reply = replies.awaitFinal("stalled", 30);
        assertThat(reply).isInstanceOfSatisfying(JobError.class,
                e -> assertThat(e.code()).isEqualTo(JobError.Codes.DEADLINE_EXCEEDED));

        service.onMessage(codec.encode(Jobs.job("next", server.serveFixture("resnet"), now.get() + 60_000)));
        assertThat(replies.awaitFinal("next", 60)).isInstanceOf(JobResult.class);
    }

    @Test
    void cancelDuringAStalledDownload_isAnsweredCancelled() throws Exception {
        sendStalledJob("stalled", now.get() + 60_000);
        service.onMessage(codec.encode(new CancelJob(Messages.SCHEMA_VERSION, null, "c", "stalled")));

        Message reply = replies.awaitFinal("stalled", 30);
        assertThat(reply).isInstanceOfSatisfying(JobError.class,
                e -> assertThat(e.code()).isEqualTo(JobError.Codes.CANCELLED));
    }
}
