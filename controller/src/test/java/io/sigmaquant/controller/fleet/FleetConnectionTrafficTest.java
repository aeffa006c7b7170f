package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.controller.broker.EmbeddedBroker;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the controller's MQTT session counts what it receives and what it publishes into
 * {@code sigmaquant.mqtt.messages{direction}}, against the embedded broker.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetConnectionTrafficTest {
    @TempDir
    Path dir;

    @Test
    void publishAndDelivery_oneEach_countedOutAndIn() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, "127.0.0.1", 0);
             ControllerMetrics metrics = new ControllerMetrics(new FleetRegistry(), false);
             FleetConnection connection = new FleetConnection(broker.url(), "traffic-controller", 0, MqttLogin.NONE,
                     metrics);
             MqttRecorder agent = new MqttRecorder(broker.url(), "agent-a", true, 0)) {
            agent.subscribe(Topics.jobs("agent-a"));
            connection.connect((topic, payload) -> { });

            connection.publish("agent-a", Jobs.job("j1", "http://127.0.0.1:1/models/" + "c".repeat(64),
                    "c".repeat(64), 1000, Jobs.inAMinute(), List.of()));
            agent.client.publish(Topics.status("agent-a"), "anything".getBytes(StandardCharsets.UTF_8), 1, false)
                    .waitForCompletion(10_000);

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(metrics, "in") >= 1);
            assertThat(count(metrics, "out")).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> agent.received.size() == 1);
        }
    }

    private static double count(ControllerMetrics metrics, String direction) {
        return metrics.registry().get("sigmaquant.mqtt.messages").tag("direction", direction).counter().count();
    }
}
