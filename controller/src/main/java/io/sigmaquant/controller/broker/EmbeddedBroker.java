package io.sigmaquant.controller.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.RevocationFile;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An MQTT 5 broker in this process (HiveMQ CE embedded) for {@code serve} and {@code demo} when no broker URL
 * is given. Without TLS files it is open, for the loopback demo. With them it has one TLS listener that requires
 * a client certificate from the installation's CA, and an embedded extension lets each identity touch only its
 * own topics ({@link CertificateAuthenticator}, {@link FleetPermissions}); a client whose certificate is revoked
 * is disconnected within seconds. Sessions and retained messages live in memory: agents publish their status
 * again when they reconnect.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Queued messages kept per client before the broker discards. */
    public static final long MAX_QUEUE_SIZE = BrokerConfig.MAX_QUEUE_SIZE;
    /** How often connected clients' certificates are checked against the CRL (a file stat when it is unchanged). */
    static final long REVOCATION_CHECK_SECONDS = 2;

    private final EmbeddedHiveMQ hivemq;
    private final String host;
    private final int port;
    private final boolean tls;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, String host, int port, boolean tls) {
        this.hivemq = hivemq;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** An open broker (no TLS, anyone may connect): for loopback use only. */
    public static EmbeddedBroker start(Path dir, String host, int port) {
        return start(dir, host, port, null);
    }

    /**
     * Starts a broker listening on {@code host:port} (port 0: a free one), keeping its configuration and data
     * under {@code dir}.
     *
     * @param tls the controller's certificate, key, CA and CRL; null for an open broker
     */
    public static EmbeddedBroker start(Path dir, String host, int port, TlsFiles tls) {
        int actual = port > 0 ? port : freePort(host);
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rwx------"));
            Path data = Files.createDirectories(dir.resolve("data"));
            Path extensions = Files.createDirectories(dir.resolve("extensions"));
            EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
                    .withExtensionsFolder(extensions).withoutLoggingBootstrap();
            String config;
            if (tls == null) {
                config = BrokerConfig.plain(host, actual);
            } else {
                TlsMaterial material = TlsMaterial.load(tls);
                requireNames(material.certificate(), clientHost(host), tls.cert());
                config = BrokerConfig.tls(host, actual, BrokerKeystores.write(material, conf));
                builder.withEmbeddedExtension(extension(new CertificateAuthenticator(
                        tls.crl() == null ? null : new RevocationFile(tls.crl(), material.ca()))));
            }
            // owner-only: with TLS it holds the keystores' password
            AtomicFile.writeOwnerOnly(conf.resolve("config.xml"), config.getBytes(StandardCharsets.UTF_8));
            return new EmbeddedBroker(started(builder.build(), host, actual), host, actual, tls != null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker folder " + dir, e);
        }
    }

    private static EmbeddedHiveMQ started(EmbeddedHiveMQ hivemq, String host, int port) {
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
            return hivemq;
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(hivemq);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("the embedded MQTT broker did not start on " + host + ":" + port + ": "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            closeQuietly(hivemq);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded broker", e);
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.close();
        } catch (ExecutionException e) {
            // the start's failure is the one worth reporting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The controller's own client connects to {@link #url()} and verifies the host name, as agents do: a
     * certificate issued with {@code --host} for other names only would fail there with a handshake error.
     */
    private static void requireNames(X509Certificate certificate, String host, Path file) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null && names.stream().anyMatch(n -> host.equalsIgnoreCase(String.valueOf(n.get(1))))) {
                return;
            }
        } catch (CertificateParsingException e) {
            // reported below as a missing name
        }
        throw new UserInputException("the certificate " + file + " does not name " + host + ", where the embedded "
                + "broker is reached from this machine: issue it with --host " + host + " (and the names agents use)");
    }

    private static String clientHost(String bindHost) {
        return bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost;
    }

    /** The in-process extension that authenticates every client and hands it its topic permissions. */
    private static EmbeddedExtension extension(CertificateAuthenticator authenticator) {
        return EmbeddedExtension.builder().withId("sigmaquant-fleet-security").withName("SigmaQuant fleet security")
                .withVersion("1").withAuthor("SigmaQuant").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
                        // taken now: Services answers for the broker started last in this JVM
                        ClientService clients = Services.clientService();
                        // a revoked agent is cut off within seconds, not only refused at its next connect; its Last
                        // Will (offline) is sent, so the controller stops giving it jobs
                        Services.extensionExecutorService().scheduleWithFixedDelay(() -> authenticator
                                .revokedSinceAdmitted().forEach(clientId -> clients.disconnectClient(clientId, false,
                                        DisconnectReasonCode.NOT_AUTHORIZED, "certificate revoked")),
                                REVOCATION_CHECK_SECONDS, REVOCATION_CHECK_SECONDS, TimeUnit.SECONDS);
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
                        // nothing held
                    }
                }).build();
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** The URL clients connect to, e.g. {@code tcp://127.0.0.1:1883} or {@code ssl://127.0.0.1:8883}. */
    public String url() {
        return (tls ? "ssl://" : "tcp://") + clientHost(host) + ":" + port;
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
