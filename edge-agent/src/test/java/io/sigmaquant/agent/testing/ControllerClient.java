package io.sigmaquant.agent.testing;

import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;

/** A test acting as the controller: publishes jobs, records replies and retained statuses. */
public final class ControllerClient implements AutoCloseable {
    private final MqttRecorder mqtt;
    private final MessageCodec codec = new MessageCodec();
    public final List<Message> results = new CopyOnWriteArrayList<>();
    public final Map<String, AgentStatus> status = new ConcurrentHashMap<>();
    /** Every status received, in order. */
    public final List<AgentStatus> statusHistory = new CopyOnWriteArrayList<>();

    public ControllerClient(String brokerUrl, String clientId) throws MqttException {
        mqtt = new MqttRecorder(brokerUrl, clientId, true, 0, received -> {
            Message m = codec.decode(received.payload());
            if (m instanceof AgentStatus s) {
                status.put(s.agentId(), s);
                statusHistory.add(s);
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

    /** Publishes all payloads in order with up to {@code window} in flight (Paho allows 10 by default). */
    public void sendAll(String agentId, List<byte[]> payloads, int window) throws MqttException {
        Deque<IMqttToken> inFlight = new ArrayDeque<>();
        for (byte[] p : payloads) {
            if (inFlight.size() == window) {
                inFlight.removeFirst().waitForCompletion(10_000);
            }
            inFlight.addLast(publish(agentId, p));
        }
        for (IMqttToken t : inFlight) {
            t.waitForCompletion(10_000);
        }
    }

    /** A completed token can still hold its in-flight slot for a moment: on Paho's 32202, wait and retry. */
    private IMqttToken publish(String agentId, byte[] payload) throws MqttException {
        while (true) {
            try {
                return mqtt.client.publish(Topics.jobs(agentId), payload, 1, false);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public <T extends Message> List<T> of(Class<T> kind) {
        return results.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Override
    public void close() throws MqttException {
        mqtt.close();
    }
}
