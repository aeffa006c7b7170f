package io.sigmaquant.protocol;

import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;

/**
 * The rule both command lines share for {@code --tls-ca/--tls-cert/--tls-key}, {@code --tls-bundle} and
 * {@code --tls-crl}: either the three files or one bundle (not both), the CRL with either; {@code --tls-ca} alone
 * only verifies the broker.
 */
public final class TlsFileFlags {
    private TlsFileFlags() {
    }

    /**
     * @return the files, or null when no TLS flag was given
     * @throws IllegalArgumentException naming the flags when the combination is incomplete or ambiguous
     */
    public static TlsFiles resolve(Path ca, Path cert, Path key, Path bundle, Path crl) {
        boolean separate = ca != null || cert != null || key != null;
        if (bundle != null && separate) {
            throw new IllegalArgumentException("give either --tls-bundle or --tls-ca/--tls-cert/--tls-key, not both");
        }
        if (bundle != null) {
            TlsFiles files = TlsFiles.bundle(bundle);
            return new TlsFiles(files.ca(), files.cert(), files.key(), crl);
        }
        if (!separate) {
            if (crl != null) {
                throw new IllegalArgumentException("--tls-crl needs --tls-bundle or --tls-ca/--tls-cert/--tls-key");
            }
            return null;
        }
        if (ca == null || (cert == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together, and with --tls-ca");
        }
        // the CA alone verifies the broker for a client that logs in with a user name and password
        return new TlsFiles(ca, cert, key, crl);
    }
}
