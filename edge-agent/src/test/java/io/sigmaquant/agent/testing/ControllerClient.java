package io.sigmaquant.agent.testing;

import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.Message;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A test acting as the controller: publishes jobs, records replies and retained statuses. */
public final class ControllerClient implements AutoCloseable {
    private final MqttAsyncClient client;
    private final MessageCodec codec = new MessageCodec();
    public final List<Message> results = new CopyOnWriteArrayList<>();
    public final Map<String, AgentStatus> status = new ConcurrentHashMap<>();

    public ControllerClient(String brokerUrl, String clientId) throws MqttException {
        client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Message m = codec.decode(message.getPayload());
                if (m instanceof AgentStatus s) {
                    status.put(s.agentId(), s);
                } else {
                    results.add(m);
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o).waitForCompletion(10_000);
        client.subscribe(new String[] {Topics.sharedResultsFilter(), Topics.statusFilter()}, new int[] {1, 1})
                .waitForCompletion(10_000);
    }

    public void send(String agentId, Message job) throws MqttException {
        sendRaw(agentId, codec.encode(job));
    }

    public void sendRaw(String agentId, byte[] payload) throws MqttException {
        client.publish(Topics.jobs(agentId), payload, 1, false).waitForCompletion(10_000);
    }

    public <T extends Message> List<T> of(Class<T> kind) {
        return results.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5000);
        client.close();
    }
}
