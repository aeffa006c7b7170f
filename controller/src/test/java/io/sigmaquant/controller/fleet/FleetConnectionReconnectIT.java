package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.protocol.MqttLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker restart while a job is being sent: the publish waits for the controller's session to come back and
 * then goes out, rather than failing the attempt (three such failures in a row failed whole runs in the soak).
 * Real Mosquitto, stopped and started again on the same port.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetConnectionReconnectIT {
    @TempDir
    Path dir;

    @Test
    void publish_whileTheBrokerRestarts_goesOutOnceItIsBack() throws Exception {
        int port = TestBroker.freePort();
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port
                + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        String url = "tcp://127.0.0.1:" + port;
        Process broker = startBroker(conf, port);
        try (ControllerMetrics metrics = new ControllerMetrics(new FleetRegistry(), false);
             FleetConnection connection = new FleetConnection(url, "reconnect-controller", 0, MqttLogin.NONE,
                     metrics)) {
            connection.connect((topic, payload) -> { });
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);

            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    connection.publish("agent-a", Jobs.job("j-restart", "http://127.0.0.1:1/models/"
                            + "c".repeat(64), "c".repeat(64), 1000, Jobs.inAMinute(), List.of()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500); // the publish is waiting: the broker is down
            assertThat(sent).isNotDone();

            broker = startBroker(conf, port);
            sent.get(90, TimeUnit.SECONDS); // completes, without an exception, once the session is back
            assertThat(sent).isCompleted();
            assertThat(metrics.registry().get("sigmaquant.mqtt.messages").tag("direction", "out").counter().count())
                    .isEqualTo(1);
        } finally {
            broker.destroyForcibly();
        }
    }

    private static Process startBroker(Path conf, int port) throws Exception {
        Process p = new ProcessBuilder(TestBroker.mosquitto(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(conf.resolveSibling("mosquitto.log").toFile()).start();
        TestBroker.waitForPort(port, p);
        return p;
    }
}
