package io.sigmaquant.protocol.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The objects of one PEM file (certificates, a private key, a CRL), parsed by BouncyCastle and converted to JCA
 * types. Every failure is a {@link TlsFileException} naming the file. Keys may be PKCS#8 or the traditional
 * OpenSSL form ("EC PRIVATE KEY", "RSA PRIVATE KEY"); encrypted keys are refused.
 */
public final class PemFile {
    /** Far above any certificate bundle or CRL we write; a bigger file is not one of ours. */
    static final int MAX_BYTES = 1 << 20;

    private final Path path;
    private final List<Object> objects;

    private PemFile(Path path, List<Object> objects) {
        this.path = path;
        this.objects = objects;
    }

    public static PemFile read(Path path) {
        String text = text(path);
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 and bad DER as either; both mean the same to the user
            throw new TlsFileException(path, "malformed PEM (" + e.getMessage() + ")", e);
        }
        if (objects.isEmpty()) {
            throw new TlsFileException(path, "not a PEM file (no -----BEGIN ...----- block)");
        }
        return new PemFile(path, objects);
    }

    public Path path() {
        return path;
    }

    public List<X509Certificate> certificates() {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object o : objects) {
            if (o instanceof X509CertificateHolder holder) {
                certificates.add(certificate(holder));
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsFileException(path, "holds no certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    public PrivateKey privateKey() {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects) {
            try {
                if (o instanceof PEMKeyPair pair) { // traditional "EC/RSA PRIVATE KEY"; the public half is optional
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) { // PKCS#8 "PRIVATE KEY"
                    return converter.getPrivateKey(info);
                }
            } catch (IOException | RuntimeException e) {
                throw new TlsFileException(path, "malformed private key (" + e.getMessage() + ")", e);
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsFileException(path, "the private key is encrypted; give an unencrypted key"
                        + " (kept owner-only) instead");
            }
        }
        throw new TlsFileException(path, "holds no private key (-----BEGIN PRIVATE KEY----- or"
                + " -----BEGIN EC/RSA PRIVATE KEY-----)");
    }

    public X509CRL crl() {
        for (Object o : objects) {
            if (o instanceof X509CRLHolder holder) {
                try {
                    return new JcaX509CRLConverter().getCRL(holder);
                } catch (CRLException | RuntimeException e) {
                    throw new TlsFileException(path, "malformed CRL (" + e.getMessage() + ")", e);
                }
            }
        }
        throw new TlsFileException(path, "holds no CRL (-----BEGIN X509 CRL-----)");
    }

    private X509Certificate certificate(X509CertificateHolder holder) {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException | RuntimeException e) {
            throw new TlsFileException(path, "malformed certificate (" + e.getMessage() + ")", e);
        }
    }

    private static String text(Path path) {
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new TlsFileException(path, "larger than " + MAX_BYTES + " bytes; not a PEM file");
            }
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsFileException(path, "cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + ")", e);
        }
    }
}
