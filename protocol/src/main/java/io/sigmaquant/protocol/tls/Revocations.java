package io.sigmaquant.protocol.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;

/**
 * The certificates the CA has revoked, read from its CRL ({@code sigmaquant pki revoke} writes {@code crl.pem}).
 * A stale CRL (past its next update) still counts: an old list of revoked serials is better than none.
 */
public final class Revocations {
    /** Revokes nothing: no CRL was given. */
    public static final Revocations NONE = new Revocations(null);

    private final X509CRL crl;

    private Revocations(X509CRL crl) {
        this.crl = crl;
    }

    /** The CRL in a PEM file; its signature is not checked (see {@link #load(Path, X509Certificate)}). */
    public static Revocations load(Path crlPem) {
        return new Revocations(PemFile.read(crlPem).crl());
    }

    /** The CRL in a PEM file, refused unless the CA signed it (a CRL from elsewhere could revoke nothing). */
    public static Revocations load(Path crlPem, X509Certificate ca) {
        X509CRL crl = PemFile.read(crlPem).crl();
        try {
            crl.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(crlPem, "CRL not signed by the CA " + ca.getSubjectX500Principal().getName(),
                    e);
        }
        return new Revocations(crl);
    }

    /** Whether the certificate is on the list (the CRL's issuer must be the certificate's issuer). */
    public boolean revoked(X509Certificate certificate) {
        return crl != null && crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())
                && crl.getRevokedCertificate(certificate.getSerialNumber()) != null;
    }
}
