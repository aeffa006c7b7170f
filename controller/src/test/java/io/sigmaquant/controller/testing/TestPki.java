package io.sigmaquant.controller.testing;

import io.sigmaquant.protocol.tls.CertificateSigner;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Pem;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One installation's CA for tests, with real certificates and CRL in the folder layout of {@code sigmaquant pki}
 * ({@code ca.crt}, {@code crl.pem}, {@code agents/<id>.pem}, {@code controllers/<name>.crt|.key}); it can also
 * issue what the CA never would (an expired certificate), which the tests need.
 */
public final class TestPki {
    private static final Duration DAY = Duration.ofDays(1);
    private static final char[] PASSWORD = "test".toCharArray();

    private final Path dir;
    private final CertificateSigner signer;
    private final Map<String, BigInteger> serials = new HashMap<>();
    private final Map<String, KeyStore> keyStores = new HashMap<>();
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();

    private TestPki(Path dir, CertificateSigner signer) {
        this.dir = dir;
        this.signer = signer;
    }

    public static TestPki create(Path dir, String caName) {
        Instant now = Instant.now();
        TestPki pki = new TestPki(dir, CertificateSigner.selfSigned(CertificateSigner.newKeyPair(), caName,
                now.minus(DAY), now.plus(DAY.multipliedBy(30))));
        pki.write(dir.resolve("ca.crt"), Pem.encode(pki.signer.ca()));
        pki.writeCrl();
        return pki;
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path crl() {
        return dir.resolve("crl.pem");
    }

    /** An agent's bundle (CA certificate, certificate, key) with the CA's CRL. */
    public synchronized TlsFiles agent(String id) {
        return agent(id, Instant.now().minus(DAY), Instant.now().plus(DAY));
    }

    /** An agent's bundle whose certificate expired yesterday. */
    public synchronized TlsFiles expiredAgent(String id) {
        return agent(id, Instant.now().minus(DAY.multipliedBy(3)), Instant.now().minus(DAY));
    }

    /** A controller's (or a broker's) certificate and key, naming localhost and 127.0.0.1. */
    public synchronized TlsFiles controller(String name) {
        KeyPair keys = CertificateSigner.newKeyPair();
        X509Certificate certificate = signer.issue(new Identity(name, Role.CONTROLLER), keys.getPublic(),
                Instant.now().minus(DAY), Instant.now().plus(DAY), List.of("localhost", "127.0.0.1"));
        remember(name, certificate, keys);
        Path cert = write(dir.resolve("controllers/" + name + ".crt"), Pem.encode(certificate));
        Path key = write(dir.resolve("controllers/" + name + ".key"), Pem.encode(keys.getPrivate()));
        return new TlsFiles(ca(), cert, key, crl());
    }

    /** Adds the last certificate issued to {@code name} to the CRL and rewrites crl.pem. */
    public synchronized void revoke(String name) {
        revoked.add(serials.get(name));
        writeCrl();
    }

    private TlsFiles agent(String id, Instant notBefore, Instant notAfter) {
        KeyPair keys = CertificateSigner.newKeyPair();
        X509Certificate certificate = signer.issue(new Identity(id, Role.AGENT), keys.getPublic(), notBefore, notAfter,
                List.of());
        remember(id, certificate, keys);
        Path bundle = write(dir.resolve("agents/" + id + ".pem"), Pem.encode(signer.ca(), certificate, keys.getPrivate()));
        return TlsFiles.bundle(bundle).withCrl(crl());
    }

    public X509Certificate caCertificate() {
        return signer.ca();
    }

    /**
     * A client context presenting the last certificate issued to {@code name} and trusting {@code trusted}, built
     * without TlsMaterial's checks: a test must be able to present an expired or revoked certificate.
     */
    public synchronized SSLContext context(String name, X509Certificate trusted) {
        return context(keyStores.get(name), trusted);
    }

    public SSLContext context(String name) {
        return context(name, signer.ca());
    }

    /** Trusts this CA, presents no certificate: an anonymous TLS client. */
    public SSLContext anonymous() {
        return context((KeyStore) null, signer.ca());
    }

    private static SSLContext context(KeyStore keys, X509Certificate trusted) {
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, PASSWORD);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trusted);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void remember(String name, X509Certificate certificate, KeyPair keys) {
        serials.put(name, certificate.getSerialNumber());
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", keys.getPrivate(), PASSWORD, new Certificate[] {certificate, signer.ca()});
            keyStores.put(name, store);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeCrl() {
        Instant now = Instant.now();
        // a new file replacing the old, as the CA writes it: readers see the old list or the new one
        Path next = write(dir.resolve("crl.pem.next"), Pem.encode(signer.crl(revoked, now.minus(Duration.ofMinutes(5)),
                now.plus(DAY))));
        try {
            Files.move(next, crl(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
