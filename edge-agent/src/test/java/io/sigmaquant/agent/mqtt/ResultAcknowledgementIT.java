package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated agent on a real Mosquitto keeps publishing a result until a controller acknowledges it with
 * {@code result-recorded}, and stops then. The test acts as the controller.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ResultAcknowledgementIT {
    private static final String AGENT = "acked-1";
    /** Short, so the test sees several resends; how often is not asserted, only what is resent. */
    private static final long RESEND_MS = 300;

    @TempDir
    Path cacheDir;

    /**
     * Verifies that an unacknowledged result is published again, and that after the acknowledgement it is not: the
     * acknowledgement goes out before a second job on the same topic (MQTT keeps their order), so once the second
     * job's result has been resent twice, at least two intervals have passed since the first was acknowledged.
     */
    @Test
    void result_resentUntilRecorded_thenNoMore() throws Exception {
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "acking-controller");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), AGENT, "x86-64-generic")
                     .setSimulate(true).setCacheDir(cacheDir).setMetricsPort(-1).setResultResendMs(RESEND_MS))) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> controller.status.containsKey(AGENT)
                    && controller.status.get(AGENT).state().equals(AgentStatus.ONLINE));

            // given a result the controller does not acknowledge
            controller.send(AGENT, job("first"));
            // then it is published again
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results(controller, "first") >= 3);

            // when the controller acknowledges it, then asks for another result
            controller.send(AGENT, new ResultRecorded(Messages.SCHEMA_VERSION, null, "corr-first", "first", 1));
            controller.send(AGENT, job("second"));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results(controller, "second") >= 1);
            long afterAck = results(controller, "first");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results(controller, "second") >= 3);

            // then the first is no longer resent, while the unacknowledged second still is
            assertThat(results(controller, "first")).isEqualTo(afterAck);
            assertThat(controller.of(JobResult.class)).filteredOn(r -> r.jobId().equals("first"))
                    .allMatch(r -> r.attempt() == 1 && r.simulated());
        }
    }

    /**
     * Verifies that an unacknowledged result is published again right after the agent reconnects: with a resend
     * interval of an hour none is due by time, and the broker drops the agent's connection when another client
     * takes its client id (MQTT session takeover), after which the agent reconnects by itself.
     */
    @Test
    void result_resentAfterReconnect() throws Exception {
        String agentId = "reconnecting-1";
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "reconnect-controller");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), agentId, "x86-64-generic")
                     .setSimulate(true).setCacheDir(cacheDir).setMetricsPort(-1).setResultResendMs(3_600_000))) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> controller.status.containsKey(agentId));
            controller.send(agentId, job("before-drop"));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results(controller, "before-drop") == 1);

            new MqttRecorder(broker.url(), "sigmaquant-agent-" + agentId, true, 0).close();

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results(controller, "before-drop") >= 2);
        }
    }

    private static long results(ControllerClient controller, String jobId) {
        return controller.of(JobResult.class).stream().filter(r -> r.jobId().equals(jobId)).count();
    }

    private static MeasurementJob job(String id) {
        return Jobs.job(id, "http://127.0.0.1:9/models/" + "b".repeat(64), "b".repeat(64), 1000,
                System.currentTimeMillis() + 60_000,
                List.of(new MeasurementJob.LayerWork("/stem/Conv", 112_896, 144, 8, 12_544)));
    }
}
