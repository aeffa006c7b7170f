package io.sigmaquant.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Mosquitto (MQTT 5) broker for one test class: a Testcontainers container where a Docker engine
 * exists, otherwise a {@code mosquitto} process (Debian's package) on a free loopback port.
 */
public final class TestBroker implements AutoCloseable {
    private final GenericContainer<?> container;
    private final Process process;
    private final Path dir;
    private final String url;

    private TestBroker(GenericContainer<?> container, Process process, Path dir, String url) {
        this.container = container;
        this.process = process;
        this.dir = dir;
        this.url = url;
    }

    public static TestBroker start() {
        if (dockerAvailable()) {
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("eclipse-mosquitto:2.0"))
                    .withExposedPorts(1883)
                    .withCommand("mosquitto", "-c", "/mosquitto-no-auth.conf");
            c.start();
            return new TestBroker(c, null, null, "tcp://" + c.getHost() + ":" + c.getMappedPort(1883));
        }
        try {
            Path dir = Files.createTempDirectory("mosquitto");
            int port = freePort();
            Path conf = dir.resolve("mosquitto.conf");
            // max_topic_alias 0, as docker/mosquitto/mosquitto.conf: Paho v5 resends a QoS 1 PUBLISH that was in
            // flight at a disconnect with the previous connection's topic alias and no topic, which the broker
            // refuses (protocol error) on every reconnect (eclipse-paho/paho.mqtt.java#1104)
            Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    + "log_dest stdout\nmax_queued_messages 10000\nmax_topic_alias 0\n");
            Process p = new ProcessBuilder(mosquitto(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            waitForPort(port, p);
            return new TestBroker(null, p, dir, "tcp://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto (apt-get install mosquitto)", e);
        }
    }

    public String url() {
        return url;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Debian's mosquitto binary, wherever the package put it. */
    public static String mosquitto() {
        for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "mosquitto";
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 10 s for a started mosquitto to accept connections on the loopback port. */
    public static void waitForPort(int port, Process p) throws IOException {
        long until = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < until) {
            if (!p.isAlive()) {
                throw new IOException("mosquitto exited with " + p.exitValue());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within 10 s");
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
