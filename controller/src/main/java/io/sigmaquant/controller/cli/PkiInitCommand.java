package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.controller.pki.PkiFolder;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigmaquant pki init}: a new CA in a folder that has none. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the CA: an EC P-256 key and a self-signed certificate, an empty CRL and index.")
final class PkiInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PkiCommand.DirOption dir;

    @Option(names = "--name", paramLabel = "NAME", description = "the CA's common name (default: "
            + CertificateAuthority.DEFAULT_NAME + ")")
    String name;

    @Option(names = "--days", paramLabel = "N", description = "validity in days (default: "
            + CertificateAuthority.DEFAULT_CA_DAYS + ")")
    Integer days;

    @Override
    public Integer call() {
        int validity = PkiCommand.days(days, CertificateAuthority.DEFAULT_CA_DAYS);
        CertificateAuthority ca = CertificateAuthority.init(dir.dir(),
                name == null ? CertificateAuthority.DEFAULT_NAME : name, validity, Clock.systemUTC());
        PkiFolder folder = ca.folder();
        var out = spec.commandLine().getOut();
        out.printf("created CA %s, valid until %s%n", ca.certificate().getSubjectX500Principal().getName(),
                ca.certificate().getNotAfter().toInstant());
        out.printf("  certificate  %s%n  key          %s  (keep it here, owner-only)%n  crl          %s%n",
                folder.caCertificate(), folder.caKey(), folder.crl());
        out.flush();
        return 0;
    }
}
