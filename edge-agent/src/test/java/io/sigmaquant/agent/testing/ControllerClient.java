package io.sigmaquant.agent.testing;

import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.Message;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.common.MqttException;

/** A test acting as the controller: publishes jobs, records replies and retained statuses. */
public final class ControllerClient implements AutoCloseable {
    private final MqttRecorder mqtt;
    private final MessageCodec codec = new MessageCodec();
    public final List<Message> results = new CopyOnWriteArrayList<>();
    public final Map<String, AgentStatus> status = new ConcurrentHashMap<>();

    public ControllerClient(String brokerUrl, String clientId) throws MqttException {
        mqtt = new MqttRecorder(brokerUrl, clientId, true, 0, received -> {
            Message m = codec.decode(received.payload());
            if (m instanceof AgentStatus s) {
                status.put(s.agentId(), s);
            } else {
                results.add(m);
            }
        });
        mqtt.client.subscribe(new String[] {Topics.sharedResultsFilter(), Topics.statusFilter()}, new int[] {1, 1})
                .waitForCompletion(10_000);
    }

    public void send(String agentId, Message job) throws MqttException {
        sendRaw(agentId, codec.encode(job));
    }

    public void sendRaw(String agentId, byte[] payload) throws MqttException {
        mqtt.client.publish(Topics.jobs(agentId), payload, 1, false).waitForCompletion(10_000);
    }

    public <T extends Message> List<T> of(Class<T> kind) {
        return results.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Override
    public void close() throws MqttException {
        mqtt.close();
    }
}
