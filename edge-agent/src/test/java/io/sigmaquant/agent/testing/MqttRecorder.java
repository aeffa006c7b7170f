package io.sigmaquant.agent.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho v5 client for tests that keeps every message it receives, in order. */
public final class MqttRecorder implements MqttCallback, AutoCloseable {
    /** One received message. */
    public record Received(String topic, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public final MqttAsyncClient client;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final Consumer<Received> listener;

    /** Connects with MQTT 5; {@code sessionExpiry} 0 ends the session with the connection. */
    public MqttRecorder(String url, String clientId, boolean cleanStart, long sessionExpiry) throws MqttException {
        this(url, clientId, cleanStart, sessionExpiry, m -> { });
    }

    /** The same, handing each message to {@code listener} as it arrives (on Paho's thread). */
    public MqttRecorder(String url, String clientId, boolean cleanStart, long sessionExpiry, Consumer<Received> listener)
            throws MqttException {
        this.listener = listener;
        client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setReceiveMaximum(65535);
        client.connect(o).waitForCompletion(10_000);
    }

    public MqttRecorder subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(10_000);
        return this;
    }

    public List<String> texts() {
        return received.stream().map(Received::text).toList();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(10_000);
        }
        client.close();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        Received m = new Received(topic, message.getPayload());
        received.add(m);
        listener.accept(m);
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
}
