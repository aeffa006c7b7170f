package io.sigmaquant.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies with real handshakes on loopback that a server built from {@link TlsMaterial} accepts a client of its
 * CA and refuses revoked, expired and foreign clients, and that a client verifies the server's host name.
 */
@Timeout(30)
class TlsHandshakeTest {
    @TempDir
    Path tmp;

    private TlsFixtures pki;
    private TlsFixtures.Leaf server;

    @BeforeEach
    void setUp() {
        pki = new TlsFixtures(tmp.resolve("pki"), "Test CA");
        server = pki.controller("controller");
    }

    /** What each side saw of one handshake: the client certificate the server accepted, or each side's error. */
    private record Outcome(X509Certificate accepted, Exception serverError, Exception clientError) {
    }

    /**
     * Runs one handshake on loopback; the client verifies the server against {@code hostName} (the name it
     * would have dialled), whatever address it really connects to.
     */
    private static Outcome handshake(SSLContext serverContext, SSLContext clientContext, String hostName)
            throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(TlsMaterial.PROTOCOLS.toArray(String[]::new));
            CompletableFuture<X509Certificate> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(1); // TLS 1.3: the client learns of a refusal on its first read
                    socket.getOutputStream().flush();
                    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            });
            Exception clientError = null;
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, hostName,
                            listener.getLocalPort(), true)) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                client.startHandshake();
                client.getInputStream().read();
            } catch (IOException e) {
                clientError = e;
            }
            try {
                return new Outcome(accepted.get(20, TimeUnit.SECONDS), null, clientError);
            } catch (ExecutionException e) {
                return new Outcome(null, (Exception) e.getCause(), clientError);
            }
        }
    }

    private SSLContext serverContext(Path crl) throws Exception {
        TlsFiles files = pki.files("controller", server);
        return TlsMaterial.load(crl == null ? files : files.withCrl(crl)).sslContext();
    }

    /** A client context built around any key and certificate (TlsMaterial would refuse an expired one). */
    private SSLContext clientContext(TlsFixtures.Leaf leaf, X509Certificate issuer) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", leaf.key(), password, new Certificate[] {leaf.certificate(), issuer});
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManager trust = TlsMaterial.load(TlsFiles.caOnly(pki.caFile())).trustManager();
        context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
        return context;
    }

    @Test
    void handshake_clientOfTheCa_isAcceptedWithItsIdentity() throws Exception {
        TlsFixtures.Leaf agent = pki.agent("board-1");
        SSLContext client = TlsMaterial.load(TlsFiles.bundle(pki.bundle("board-1", agent))).sslContext();

        Outcome outcome = handshake(serverContext(null), client, "127.0.0.1");

        assertThat(outcome.clientError()).isNull();
        assertThat(Identity.of(outcome.accepted())).isEqualTo(new Identity("board-1", Role.AGENT));
    }

    @Test
    void handshake_revokedClient_isRefused() throws Exception {
        TlsFixtures.Leaf agent = pki.agent("board-1");
        SSLContext client = TlsMaterial.load(TlsFiles.bundle(pki.bundle("board-1", agent))).sslContext();
        Path crl = pki.crl(agent.certificate().getSerialNumber());

        Outcome outcome = handshake(serverContext(crl), client, "127.0.0.1");

        assertRefusedByServer(outcome);
        assertThat(outcome.serverError()).hasMessageContaining("is revoked");
    }

    @Test
    void handshake_otherClientWithCrl_isAccepted() throws Exception {
        TlsFixtures.Leaf agent = pki.agent("board-2");
        SSLContext client = TlsMaterial.load(TlsFiles.bundle(pki.bundle("board-2", agent))).sslContext();
        Path crl = pki.crl(pki.agent("board-1").certificate().getSerialNumber());

        assertThat(handshake(serverContext(crl), client, "localhost").accepted()).isEqualTo(agent.certificate());
    }

    @Test
    void handshake_expiredClient_isRefused() throws Exception {
        SSLContext client = clientContext(pki.expiredAgent("old"), pki.signer.ca());

        assertRefusedByServer(handshake(serverContext(null), client, "127.0.0.1"));
    }

    @Test
    void handshake_clientOfAnotherCa_isRefused() throws Exception {
        TlsFixtures foreign = new TlsFixtures(tmp.resolve("foreign"), "Foreign CA");
        SSLContext client = clientContext(foreign.agent("board-1"), foreign.signer.ca());

        assertRefusedByServer(handshake(serverContext(null), client, "127.0.0.1"));
    }

    @Test
    void handshake_serverNotNamingTheHost_isRefusedByTheClient() throws Exception {
        TlsFixtures.Leaf agent = pki.agent("board-1");
        SSLContext client = TlsMaterial.load(TlsFiles.bundle(pki.bundle("board-1", agent))).sslContext();

        // the server's SANs are localhost and 127.0.0.1; the client verifies the name it dialled
        Outcome outcome = handshake(serverContext(null), client, "broker.example");

        assertThat(outcome.clientError()).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("broker.example");
        assertThat(outcome.accepted()).isNull();
    }

    private static void assertRefusedByServer(Outcome outcome) {
        assertThat(outcome.accepted()).isNull();
        assertThat(outcome.serverError()).isInstanceOf(SSLHandshakeException.class);
    }
}
