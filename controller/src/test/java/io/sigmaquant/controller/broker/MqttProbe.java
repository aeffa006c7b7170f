package io.sigmaquant.controller.broker;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A bare MQTT 5 client for the security tests: any client id, any TLS context (or none), text payloads, and a
 * record of what arrived. Publishing and subscribing report the broker's refusal instead of hiding it.
 */
final class MqttProbe implements MqttCallback, AutoCloseable {
    record Received(String topic, String text, boolean retained) {
    }

    private final MqttAsyncClient client;
    final List<Received> received = new CopyOnWriteArrayList<>();

    private MqttProbe(MqttAsyncClient client) {
        this.client = client;
    }

    /** Connects with clean start; throws what the broker or the handshake answered. */
    static MqttProbe connect(String url, String clientId, SSLContext tls) throws MqttException {
        return connect(url, clientId, tls, new MqttConnectionOptions());
    }

    /** As {@link #connect}, with a retained Last Will. */
    static MqttProbe connectWithWill(String url, String clientId, SSLContext tls, String willTopic, String will)
            throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setWill(willTopic, new MqttMessage(will.getBytes(StandardCharsets.UTF_8), 1, true, new MqttProperties()));
        return connect(url, clientId, tls, options);
    }

    private static MqttProbe connect(String url, String clientId, SSLContext tls, MqttConnectionOptions options)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttProbe probe = new MqttProbe(client);
        client.setCallback(probe);
        options.setCleanStart(true);
        options.setConnectionTimeout(10);
        if (tls != null) {
            options.setSocketFactory(tls.getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return probe;
    }

    /** The subscription's reason codes (0–2 granted, 0x80 and above refused). */
    int[] subscribe(String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        IMqttToken token = client.subscribe(filters, qos);
        token.waitForCompletion(15_000);
        return token.getReasonCodes();
    }

    /** Publishes at QoS 1 and waits for the broker; true when it acknowledged without an error. */
    boolean publish(String topic, String text, boolean retained) {
        try {
            IMqttToken token = client.publish(topic, new MqttMessage(text.getBytes(StandardCharsets.UTF_8), 1,
                    retained, new MqttProperties()));
            token.waitForCompletion(15_000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 || codes[0] < 0x80;
        } catch (MqttException e) {
            return false; // refused, or the broker closed the connection
        }
    }

    boolean connected() {
        return client.isConnected();
    }

    List<String> texts() {
        return received.stream().map(Received::text).toList();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        String text = new String(message.getPayload(), StandardCharsets.UTF_8);
        received.add(new Received(topic, text, message.isRetained()));
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5000);
        }
        client.close(true);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        // a refused publish may end the connection; the tests look at what arrived
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        // as above
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // publish waits for its own token
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        // no automatic reconnect
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }
}
