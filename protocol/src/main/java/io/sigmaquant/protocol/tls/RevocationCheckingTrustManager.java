package io.sigmaquant.protocol.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager (only our CA is trusted; validity, signatures, key usage and, when the caller asks,
 * the host name are checked there) followed by a look-up of every certificate of the chain in our CRL. Kept
 * apart from PKIX revocation so that a stale CRL still revokes and no CRL means no revocation check at all.
 */
final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Revocations revocations;

    RevocationCheckingTrustManager(X509ExtendedTrustManager pkix, Revocations revocations) {
        this.pkix = pkix;
        this.revocations = revocations;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        refuseRevoked(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        refuseRevoked(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        refuseRevoked(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void refuseRevoked(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate certificate : chain) {
            if (revocations.revoked(certificate)) {
                throw new CertificateException("certificate " + certificate.getSubjectX500Principal().getName()
                        + " (serial " + certificate.getSerialNumber().toString(16) + ") is revoked");
            }
        }
    }
}
