package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.pki.CertificateAuthority;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sigmaquant pki crl}: signs the CRL afresh, before it goes stale. */
@Command(name = "crl", mixinStandardHelpOptions = true,
        description = {"Sign crl.pem afresh from the index. A CRL is current for " + CertificateAuthority.CRL_DAYS
                + " days; OpenSSL-based brokers "
                + "(Mosquitto's crlfile) refuse every client once it is stale, so run this monthly (cron)."})
final class PkiCrlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PkiCommand.DirOption dir;

    @Override
    public Integer call() {
        Path crl = dir.open().writeCrl();
        spec.commandLine().getOut().printf("signed %s, current for %d days%n", crl,
                CertificateAuthority.CRL_DAYS);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
