package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.protocol.TlsFileFlags;
import io.sigmaquant.protocol.tls.TlsFileException;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * The controller's TLS identity as flags, shared by {@code serve} and {@code optimize}: the files of
 * {@code sigmaquant pki issue --controller NAME}, or its bundle. Checked here, before anything starts, so that a
 * bad file is one line naming it and exit 2.
 */
final class TlsMixin {
    @Option(names = "--tls-ca", paramLabel = "FILE", description = "the installation's CA certificate (PEM)")
    Path ca;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "the controller's certificate (PEM, from pki issue --controller NAME): MQTT over TLS with "
                    + "client certificates. Its name is the MQTT client id: each controller process (serve, an "
                    + "in-process optimize) needs its own, e.g. --controller optimize-1")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the controller's private key (PEM)")
    Path key;

    @Option(names = "--tls-bundle", paramLabel = "FILE", description = "CA certificate, certificate and key in one PEM "
            + "(pki/controllers/NAME.pem; one NAME per controller process)")
    Path bundle;

    @Option(names = "--tls-crl", paramLabel = "FILE", description = "the CA's revocation list (PEM), read again when "
            + "it changes")
    Path crl;

    /** The controller's identity, loaded once to check it; null when no TLS flag was given. */
    TlsFiles files() {
        TlsFiles files = loaded();
        if (files != null && !files.hasCertificate()) {
            throw new UserInputException("the controller needs its own certificate: give --tls-cert and --tls-key "
                    + "with --tls-ca, or --tls-bundle");
        }
        return files;
    }

    /**
     * What verifies an https server for a client (optimize --server): the CA alone is enough, a certificate is
     * presented when given; null when no TLS flag was given.
     */
    SSLContext serverTrust() {
        TlsFiles files = loaded();
        if (files == null) {
            return null;
        }
        TlsMaterial material = TlsMaterial.load(files);
        return material.hasCertificate() ? material.sslContext() : material.trustOnly();
    }

    private TlsFiles loaded() {
        try {
            TlsFiles files = TlsFileFlags.resolve(ca, cert, key, bundle, crl);
            if (files != null) {
                TlsMaterial.load(files);
            }
            return files;
        } catch (TlsFileException | IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    ControllerOptions applyTo(ControllerOptions options) {
        return options.setTls(files());
    }
}
