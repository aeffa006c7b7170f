package io.sigmaquant.controller.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.MqttRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
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

        MqttRecorder late = new MqttRecorder(broker.url(), "late", true, 0).subscribe("t/status/+");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> late.texts().contains("offline"));
        assertThat(late.texts()).doesNotContain("online");
        late.close();
    }

    @Test
    void queue_moreThanHiveMqDefaultWhileOffline_allDelivered() throws Exception {
        MqttRecorder sleeper = new MqttRecorder(broker.url(), "sleeper", false, 3600).subscribe("t/queue");
        sleeper.close(); // the session stays on the broker for an hour

        MqttAsyncClient publisher = new MqttAsyncClient(broker.url(), "publisher", new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        int count = 1500; // HiveMQ's default queue keeps 1,000
        for (int i = 0; i < count; i++) {
            publishPaced(publisher, "t/queue", Integer.toString(i));
        }
        publisher.disconnect().waitForCompletion(10_000);
        publisher.close();

        MqttRecorder back = new MqttRecorder(broker.url(), "sleeper", false, 3600);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> back.received.size() >= count);
        assertThat(back.texts()).contains("0", "999", "1000", "1499");
        back.close();
    }

    @Test
    void sharedSubscription_twoMembers_eachMessageOnce() throws Exception {
        MqttRecorder a = new MqttRecorder(broker.url(), "share-a", true, 0).subscribe("$share/g/t/shared");
        MqttRecorder b = new MqttRecorder(broker.url(), "share-b", true, 0).subscribe("$share/g/t/shared");
        MqttAsyncClient publisher = new MqttAsyncClient(broker.url(), "share-pub", new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        for (int i = 0; i < 20; i++) {
            publishPaced(publisher, "t/shared", Integer.toString(i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.received.size() + b.received.size() >= 20);
        Thread.sleep(300);
        assertThat(a.received.size() + b.received.size()).isEqualTo(20);
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
}
