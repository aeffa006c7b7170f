package io.sigmaquant.controller.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.sigmaquant.controller.files.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An MQTT 5 broker in this process (HiveMQ CE embedded) for {@code serve} and {@code demo} when no broker URL
 * is given. HiveMQ keeps 1,000 queued messages per client by default and silently drops the rest; the limit
 * is raised here so that a burst of jobs or results for a slow client is kept, not lost. Sessions and retained
 * messages live in memory: agents publish their status again when they reconnect.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Queued messages kept per client before the broker discards. */
    public static final long MAX_QUEUE_SIZE = 100_000;

    private final EmbeddedHiveMQ hivemq;
    private final String host;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, String host, int port) {
        this.hivemq = hivemq;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts a broker listening on {@code host:port} (port 0: a free one), keeping its configuration and data
     * under {@code dir}.
     */
    public static EmbeddedBroker start(Path dir, String host, int port) {
        int actual = port > 0 ? port : freePort(host);
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Path data = Files.createDirectories(dir.resolve("data"));
            Path extensions = Files.createDirectories(dir.resolve("extensions"));
            AtomicFile.write(conf.resolve("config.xml"), config(host, actual).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
                    .withExtensionsFolder(extensions).withoutLoggingBootstrap().build();
            try {
                hivemq.start().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                hivemq.close();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new IllegalStateException("the embedded MQTT broker did not start on " + host + ":" + actual + ": "
                        + cause.getMessage(), cause);
            }
            return new EmbeddedBroker(hivemq, host, actual);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker folder " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("closing a broker that failed to start: " + e.getMessage(), e);
        }
    }

    static String config(String host, int port) {
        return String.format(Locale.ROOT, """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard-oldest</strategy>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """, port, host, MAX_QUEUE_SIZE);
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** The URL clients connect to, e.g. {@code tcp://127.0.0.1:1883}. */
    public String url() {
        return "tcp://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("stopping the embedded broker failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
