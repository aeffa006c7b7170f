package io.sigmaquant.protocol.tls;

import java.nio.file.Path;

/**
 * Where the PEM files of one TLS identity are: the CA certificate to trust, the certificate and its private key,
 * and an optional CRL. A bundle is one file holding all three, as {@code sigmaquant pki issue} writes it for a
 * board; any order loads here, and pki writes certificate, CA certificate, key because OpenSSL-based tools
 * (Mosquitto, mosquitto_pub) take the first certificate of a --cert file as the leaf and the rest as its chain,
 * so the same file also serves them as --cafile, --cert and --key. A party that only verifies its peer gives the CA alone.
 */
public record TlsFiles(Path ca, Path cert, Path key, Path crl) {
    public TlsFiles {
        if (ca == null) {
            throw new IllegalArgumentException("ca is required");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("cert and key go together: cert=" + cert + ", key=" + key);
        }
    }

    /** One PEM holding the certificate, the CA certificate and the key (in any order). */
    public static TlsFiles bundle(Path pem) {
        return new TlsFiles(pem, pem, pem, null);
    }

    /** Only the CA to verify the peer against (no client certificate). */
    public static TlsFiles caOnly(Path ca) {
        return new TlsFiles(ca, null, null, null);
    }

    public TlsFiles withCrl(Path crlPem) {
        return new TlsFiles(ca, cert, key, crlPem);
    }

    /** Whether a certificate and key are given (else the material can only verify a peer). */
    public boolean hasCertificate() {
        return cert != null;
    }
}
