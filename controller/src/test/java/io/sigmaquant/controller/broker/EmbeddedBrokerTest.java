package io.sigmaquant.controller.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker does what the fleet relies on: MQTT 5 sessions, retained status, Last Will, queues. */
class EmbeddedBrokerTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(dir, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void lastWill_clientVanishes_retainedWillReachesLateSubscriber() throws Exception {
        MqttAsyncClient dying = new MqttAsyncClient(broker.url(), "dying", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setWill("t/status/dying", new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, true, null));
        dying.connect(o).waitForCompletion(10_000);
        dying.publish("t/status/dying", "online".getBytes(StandardCharsets.UTF_8), 1, true).waitForCompletion(10_000);
        dying.disconnectForcibly(0, 1000, false); // no DISCONNECT packet: the broker must send the will
        dying.close(true);

        Recorder late = new Recorder(broker.url(), "late", true, 0);
        late.client.subscribe("t/status/+", 1).waitForCompletion(10_000);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> late.payloads.contains("offline"));
        assertThat(late.payloads).doesNotContain("online");
        late.close();
    }

    @Test
    void queue_moreThanHiveMqDefaultWhileOffline_allDelivered() throws Exception {
        Recorder sleeper = new Recorder(broker.url(), "sleeper", false, 3600);
        sleeper.client.subscribe("t/queue", 1).waitForCompletion(10_000);
        sleeper.client.disconnect().waitForCompletion(10_000);

        MqttAsyncClient publisher = new MqttAsyncClient(broker.url(), "publisher", new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        int count = 1500; // HiveMQ's default queue keeps 1,000
        for (int i = 0; i < count; i++) {
            publishPaced(publisher, "t/queue", Integer.toString(i));
        }
        publisher.disconnect().waitForCompletion(10_000);
        publisher.close();

        Recorder back = new Recorder(broker.url(), "sleeper", false, 3600);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> back.payloads.size() >= count);
        assertThat(back.payloads).contains("0", "999", "1000", "1499");
        back.close();
    }

    @Test
    void sharedSubscription_twoMembers_eachMessageOnce() throws Exception {
        Recorder a = new Recorder(broker.url(), "share-a", true, 0);
        Recorder b = new Recorder(broker.url(), "share-b", true, 0);
        a.client.subscribe("$share/g/t/shared", 1).waitForCompletion(10_000);
        b.client.subscribe("$share/g/t/shared", 1).waitForCompletion(10_000);
        MqttAsyncClient publisher = new MqttAsyncClient(broker.url(), "share-pub", new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        for (int i = 0; i < 20; i++) {
            publishPaced(publisher, "t/shared", Integer.toString(i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.payloads.size() + b.payloads.size() >= 20);
        Thread.sleep(300);
        assertThat(a.payloads.size() + b.payloads.size()).isEqualTo(20);
        publisher.disconnect().waitForCompletion(10_000);
        publisher.close();
        a.close();
        b.close();
    }

    /** Paho frees its in-flight slot after the token completes, so a tight loop must retry on 32202. */
    private static void publishPaced(MqttAsyncClient client, String topic, String payload) throws Exception {
        for (int tries = 0; ; tries++) {
            try {
                client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(10_000);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT || tries > 100) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }

    /** A Paho v5 client that keeps every payload it receives. */
    private static final class Recorder implements MqttCallback {
        final MqttAsyncClient client;
        final List<String> payloads = new CopyOnWriteArrayList<>();

        Recorder(String url, String id, boolean cleanStart, long sessionExpiry) throws MqttException {
            client = new MqttAsyncClient(url, id, new MemoryPersistence());
            client.setCallback(this);
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(cleanStart);
            o.setSessionExpiryInterval(sessionExpiry);
            o.setReceiveMaximum(65535);
            client.connect(o).waitForCompletion(10_000);
        }

        void close() throws MqttException {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
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
}
