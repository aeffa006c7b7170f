package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.broker.EmbeddedBroker;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies how the controller's session publishes {@code result-recorded}, against the embedded broker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetConnectionAckTest {
    @TempDir
    Path dir;

    @Test
    void resultRecorded_reachesTheAgentsJobsTopic_atQos1NotRetainedWithAnExpiry() throws Exception {
        List<MqttMessage> received = new CopyOnWriteArrayList<>();
        ResultRecorded ack = new ResultRecorded(Messages.SCHEMA_VERSION, null, "run-1", "job-1", 2);
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, "127.0.0.1", 0);
             FleetConnection connection = new FleetConnection(broker.url(), "ack-controller", 0, MqttLogin.NONE,
                     MessageTraffic.NONE)) {
            MqttAsyncClient agent = subscribedAgent(broker.url(), "agent-a", received);
            connection.connect((topic, payload) -> { });

            connection.resultRecorded("agent-a", ack);

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
            MqttMessage m = received.get(0);
            assertThat(new MessageCodec().decode(m.getPayload())).isEqualTo(ack);
            assertThat(m.getQos()).isEqualTo(1);
            assertThat(m.isRetained()).isFalse();
            assertThat(m.getProperties().getMessageExpiryInterval()).isBetween(1L, FleetConnection.ACK_EXPIRY_S);
            agent.disconnect().waitForCompletion(10_000);
            agent.close();
        }
    }

    @Test
    void resultRecorded_invalidAgentIdOrNoBroker_doesNotThrow() throws Exception {
        ResultRecorded ack = new ResultRecorded(Messages.SCHEMA_VERSION, null, "run-1", "job-1", 1);
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, "127.0.0.1", 0);
             FleetConnection connection = new FleetConnection(broker.url(), "ack-controller-2", 0, MqttLogin.NONE,
                     MessageTraffic.NONE)) {
            connection.resultRecorded("not/an id", ack); // not connected yet, and an id no topic can hold
            connection.connect((topic, payload) -> { });
            connection.resultRecorded("not/an id", ack);
        }
    }

    private static MqttAsyncClient subscribedAgent(String url, String agentId, List<MqttMessage> received)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, "sigmaquant-agent-" + agentId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(10_000);
        client.subscribe(Topics.jobs(agentId), 1).waitForCompletion(10_000);
        return client;
    }
}
