package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigmaquant pki verify}: loads TLS files exactly as serve and the agent do and says whom they identify,
 * or, in one line naming the file, what is wrong with them.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check TLS files as serve and the agent load them: PEM, key matches certificate, signed by "
                + "the CA, CA is a CA, current, not revoked. Prints the identity and expiry."})
final class PkiVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tls-bundle", paramLabel = "FILE", description = "one PEM: certificate, CA certificate, key")
    Path bundle;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "the CA certificate")
    Path ca;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "the certificate")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "its private key")
    Path key;

    @Option(names = "--tls-crl", paramLabel = "FILE", description = "the CA's CRL")
    Path crl;

    @Override
    public Integer call() {
        TlsMaterial material = TlsMaterial.load(files());
        var out = spec.commandLine().getOut();
        X509Certificate ca = material.ca();
        if (material.hasCertificate()) {
            X509Certificate certificate = material.certificate();
            out.printf("ok: %s %s, serial %s, valid until %s, issued by %s%n", material.identity().role().wire(),
                    material.identity().name(), certificate.getSerialNumber().toString(16),
                    certificate.getNotAfter().toInstant(), ca.getSubjectX500Principal().getName());
        } else {
            out.printf("ok: CA %s, valid until %s%n", ca.getSubjectX500Principal().getName(),
                    ca.getNotAfter().toInstant());
        }
        out.flush();
        return 0;
    }

    private TlsFiles files() {
        if (bundle != null) {
            if (ca != null || cert != null || key != null) {
                throw new UserInputException("--tls-bundle replaces --tls-ca, --tls-cert and --tls-key; give one way");
            }
            return crl == null ? TlsFiles.bundle(bundle) : TlsFiles.bundle(bundle).withCrl(crl);
        }
        if (ca == null || (cert == null) != (key == null)) {
            throw new UserInputException("give --tls-bundle FILE, or --tls-ca FILE with --tls-cert FILE and --tls-key"
                    + " FILE (or --tls-ca alone)");
        }
        return new TlsFiles(ca, cert, key, crl);
    }
}
