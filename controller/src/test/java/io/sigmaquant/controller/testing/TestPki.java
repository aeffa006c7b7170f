package io.sigmaquant.controller.testing;

import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.controller.pki.IssuedCertificate;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.PemFile;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One installation's CA for tests: the real {@link CertificateAuthority} in a folder, so brokers and clients
 * read exactly the files {@code sigmaquant pki} writes. Client contexts are built here without TlsMaterial's
 * checks, because a test must be able to present an expired or revoked certificate.
 */
public final class TestPki {
    private static final Duration DAY = Duration.ofDays(1);
    private static final char[] PASSWORD = "test".toCharArray();

    private final CertificateAuthority ca;
    private final Map<String, IssuedCertificate> issued = new HashMap<>();

    private TestPki(CertificateAuthority ca) {
        this.ca = ca;
    }

    public static TestPki create(Path dir, String caName) {
        return new TestPki(CertificateAuthority.init(dir, caName, 30, Clock.systemUTC()));
    }

    public Path ca() {
        return ca.folder().caCertificate();
    }

    public Path crl() {
        return ca.folder().crl();
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** An agent's bundle (CA certificate, certificate, key) with the CA's CRL. */
    public synchronized TlsFiles agent(String id) {
        Instant now = Instant.now();
        return TlsFiles.bundle(issue(new Identity(id, Role.AGENT), List.of(), now.minus(DAY), now.plus(DAY)).bundle())
                .withCrl(crl());
    }

    /** An agent's bundle whose certificate expired yesterday. */
    public synchronized TlsFiles expiredAgent(String id) {
        Instant now = Instant.now();
        return TlsFiles.bundle(issue(new Identity(id, Role.AGENT), List.of(), now.minus(DAY.multipliedBy(3)),
                now.minus(DAY)).bundle()).withCrl(crl());
    }

    /** A broker's server certificate and key ({@code pki issue --broker}), naming localhost and 127.0.0.1. */
    public synchronized TlsFiles broker(String name) {
        Instant now = Instant.now();
        IssuedCertificate c = issue(new Identity(name, Role.BROKER), CertificateAuthority.DEFAULT_HOSTS,
                now.minus(DAY), now.plus(DAY));
        return new TlsFiles(ca(), c.certificate(), c.key(), crl());
    }

    /** A controller's certificate and key, naming localhost and 127.0.0.1. */
    public synchronized TlsFiles controller(String name) {
        return controller(name, CertificateAuthority.DEFAULT_HOSTS);
    }

    /** A controller's certificate naming only {@code hosts}. */
    public synchronized TlsFiles controller(String name, List<String> hosts) {
        Instant now = Instant.now();
        IssuedCertificate c = issue(new Identity(name, Role.CONTROLLER), hosts, now.minus(DAY), now.plus(DAY));
        return new TlsFiles(ca(), c.certificate(), c.key(), crl());
    }

    /** {@code sigmaquant pki revoke}: the identity's certificates go on the CRL, crl.pem is rewritten. */
    public synchronized void revoke(String name) {
        ca.revoke(issued.get(name).identity());
    }

    /** A client context presenting the last certificate issued to {@code name} and trusting {@code trusted}. */
    public synchronized SSLContext context(String name, X509Certificate trusted) {
        IssuedCertificate c = issued.get(name);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("key", PemFile.read(c.key()).privateKey(), PASSWORD,
                    new Certificate[] {PemFile.read(c.certificate()).certificates().get(0), ca.certificate()});
            return context(keys, trusted);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public SSLContext context(String name) {
        return context(name, ca.certificate());
    }

    /** Trusts this CA, presents no certificate: an anonymous TLS client. */
    public SSLContext anonymous() {
        return context((KeyStore) null, ca.certificate());
    }

    private IssuedCertificate issue(Identity identity, List<String> hosts, Instant notBefore, Instant notAfter) {
        IssuedCertificate c = ca.issue(identity, hosts, notBefore, notAfter, true);
        issued.put(identity.name(), c);
        return c;
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
}
