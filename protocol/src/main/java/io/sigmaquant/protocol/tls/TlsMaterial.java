package io.sigmaquant.protocol.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One party's TLS identity, loaded and checked once: the CA it trusts (and nothing else), its certificate and
 * key, and the CA's revocations. Everything wrong with the files is a {@link TlsFileException} naming the file,
 * raised here rather than at the first handshake.
 */
public final class TlsMaterial {
    /** The versions to enable on sockets and engines built from these contexts (1.0/1.1 are off in the JDK). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final String KEY_ALIAS = "sigmaquant";

    private final TlsFiles files;
    private final X509Certificate ca;
    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Identity identity;
    private final Revocations revocations;

    private TlsMaterial(TlsFiles files, X509Certificate ca, X509Certificate certificate, PrivateKey key,
            Identity identity, Revocations revocations) {
        this.files = files;
        this.ca = ca;
        this.certificate = certificate;
        this.key = key;
        this.identity = identity;
        this.revocations = revocations;
    }

    /**
     * Reads and checks the files: the CA file holds a CA certificate that is valid now; the certificate is signed
     * by it, valid now, not revoked, and names a SigmaQuant identity; the key is the certificate's; the CRL is
     * signed by the CA.
     */
    public static TlsMaterial load(TlsFiles files) {
        PemFile caFile = PemFile.read(files.ca());
        X509Certificate ca = CertificateChecks.caIn(files.ca(), caFile.certificates());
        CertificateChecks.requireCurrent(files.ca(), ca);
        Revocations revocations = files.crl() == null ? Revocations.NONE : Revocations.load(files.crl(), ca);
        if (!files.hasCertificate()) {
            return new TlsMaterial(files, ca, null, null, null, revocations);
        }
        PemFile certFile = files.cert().equals(files.ca()) ? caFile : PemFile.read(files.cert());
        X509Certificate certificate = CertificateChecks.leafIn(certFile.certificates(), ca);
        CertificateChecks.requireSignedBy(files.cert(), certificate, files.ca(), ca);
        CertificateChecks.requireCurrent(files.cert(), certificate);
        CertificateChecks.requireNotRevoked(files.cert(), certificate, revocations, files.crl());
        Identity identity = Identity.find(certificate).orElseThrow(() -> new TlsFileException(files.cert(),
                "certificate subject " + CertificateChecks.subject(certificate)
                        + " is not a SigmaQuant identity (CN=<name>, OU=agent|controller|broker)"));
        PemFile keyFile = files.key().equals(files.cert()) ? certFile : PemFile.read(files.key());
        PrivateKey key = keyFile.privateKey();
        CertificateChecks.requireKeyMatches(files.key(), key, files.cert(), certificate);
        return new TlsMaterial(files, ca, certificate, key, identity, revocations);
    }

    public TlsFiles files() {
        return files;
    }

    public X509Certificate ca() {
        return ca;
    }

    /** Whether a certificate and key were loaded (else the material only verifies peers). */
    public boolean hasCertificate() {
        return certificate != null;
    }

    public X509Certificate certificate() {
        return requireCertificate(certificate);
    }

    public PrivateKey key() {
        return requireCertificate(key);
    }

    public Identity identity() {
        return requireCertificate(identity);
    }

    public Revocations revocations() {
        return revocations;
    }

    /** Presents the certificate and trusts only the CA, refusing revoked peers; for servers and mutual TLS. */
    public SSLContext sslContext() {
        char[] password = randomPassword();
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
            keys.init(keyStore(password), password);
            return context(keys.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused a checked key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Trusts only the CA and presents no certificate: for a client that only verifies the server. */
    public SSLContext trustOnly() {
        return context(null);
    }

    /** The CA-only trust manager with the CRL check, for a server (broker) that builds its own context. */
    public X509ExtendedTrustManager trustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trustStore());
            X509ExtendedTrustManager pkix = Arrays.stream(factory.getTrustManagers())
                    .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no X.509 trust manager in the JDK"));
            return new RevocationCheckingTrustManager(pkix, revocations);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK refused the CA certificate: " + e.getMessage(), e);
        }
    }

    /** An in-memory PKCS#12 store with the key and its chain (certificate, CA) under {@code password}. */
    public KeyStore keyStore(char[] password) {
        KeyStore store = emptyStore();
        try {
            store.setKeyEntry(KEY_ALIAS, key(), password, new Certificate[] {certificate(), ca});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the key: " + e.getMessage(), e);
        }
        return store;
    }

    /** An in-memory PKCS#12 store holding only the CA certificate. */
    public KeyStore trustStore() {
        KeyStore store = emptyStore();
        try {
            store.setCertificateEntry("ca", ca);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the CA certificate: " + e.getMessage(), e);
        }
        return store;
    }

    private SSLContext context(KeyManager[] keyManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {trustManager()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("no PKCS12 key store in the JDK: " + e.getMessage(), e);
        }
    }

    // the in-memory store needs a password; nobody else ever sees it
    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        return password;
    }

    private <T> T requireCertificate(T value) {
        if (value == null) {
            throw new IllegalStateException("loaded from " + files.ca() + " alone: no certificate or key");
        }
        return value;
    }
}
