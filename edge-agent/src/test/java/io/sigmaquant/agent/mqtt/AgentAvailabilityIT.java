package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An agent that cannot take jobs says so in its retained status, and says online again when it can. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AgentAvailabilityIT {
    @TempDir
    Path cacheDir;

    /**
     * Verifies that a full queue makes the agent announce {@code unavailable} with the reason (with its device class,
     * so the fleet still knows the board), and {@code online} again once the queue has room: with a queue of one
     * and a long first job, at least one of four jobs sent right behind it finds the queue full.
     */
    @Test
    void fullQueue_announcesUnavailable_thenOnlineAgain() throws Exception {
        try (TestBroker broker = TestBroker.start(); ModelServer models = new ModelServer();
             ControllerClient controller = new ControllerClient(broker.url(), "availability-controller");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), "busy-1", "x86-64-generic")
                     .setEnergy("estimate").setCacheDir(cacheDir).setQueueCapacity(1).setMetricsPort(-1))) {
            byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
            String url = models.serve("resnet", resnet);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> controller.status.containsKey("busy-1"));
            assertThat(controller.status.get("busy-1").state()).isEqualTo(AgentStatus.ONLINE);

            controller.send("busy-1", job("long", url, resnet, 4000));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> controller.of(JobProgress.class).stream()
                    .anyMatch(p -> p.jobId().equals("long") && p.phase().equals("measuring")));
            for (int i = 0; i < 4; i++) {
                controller.send("busy-1", job("short-" + i, url, resnet, 50));
            }

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> controller.statusHistory.stream()
                    .anyMatch(s -> s.state().equals(AgentStatus.UNAVAILABLE)));
            AgentStatus down = controller.statusHistory.stream()
                    .filter(s -> s.state().equals(AgentStatus.UNAVAILABLE)).findFirst().orElseThrow();
            assertThat(down.reason()).contains("queue");
            assertThat(down.deviceClass()).isEqualTo("x86-64-generic");
            assertThat(controller.of(JobError.class)).anyMatch(e -> e.code().equals(JobError.Codes.QUEUE_FULL));

            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() ->
                    controller.status.get("busy-1").state().equals(AgentStatus.ONLINE)
                            && controller.of(JobResult.class).stream().anyMatch(r -> r.jobId().equals("long")));
        }
    }

    private static MeasurementJob job(String id, String url, byte[] model, long minDurationMs) {
        return new MeasurementJob(Messages.SCHEMA_VERSION, null, "corr-" + id, id, 1,
                new MeasurementJob.ModelRef(url, ModelServer.sha256(model), model.length),
                new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                new MeasurementJob.Settings(1, 3, 20, minDurationMs, false), System.currentTimeMillis() + 120_000,
                List.of());
    }
}
