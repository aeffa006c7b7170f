package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.controller.pki.IndexEntry;
import io.sigmaquant.controller.pki.IssuedCertificate;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigmaquant pki issue}: a key and certificate for an agent, a controller or an external broker. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a key and certificate for an agent (CN=id, clientAuth), a controller (CN=name, "
                + "serverAuth and clientAuth, SANs from --host) or an external broker such as Mosquitto (CN=name, "
                + "serverAuth only, SANs from --host; it gets no MQTT rights and no model downloads).",
                "Writes <dir>/agents/<id>.pem (the one file a board needs: certificate, CA certificate, key) "
                        + "and .crt/.key; controllers/<name>.* and brokers/<name>.* likewise. Prints the paths, "
                        + "never the key.",
                "Each controller process (serve, an in-process optimize) needs a name of its own: two processes "
                        + "with one name share one MQTT client id and knock each other off the broker."})
final class PkiIssueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PkiCommand.DirOption dir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PkiCommand.IdentityOption who;

    @Option(names = "--host", paramLabel = "HOST",
            description = "a DNS name or IP address the controller or broker is reached at; repeatable "
                    + "(default: localhost and 127.0.0.1)")
    List<String> hosts;

    @Option(names = "--days", paramLabel = "N", description = "validity in days (default: "
            + CertificateAuthority.DEFAULT_DAYS + ")")
    Integer days;

    @Option(names = "--force", description = "revoke the identity's current certificate and issue a new one")
    boolean force;

    @Override
    public Integer call() {
        Identity identity = who.identity();
        if (hosts != null && identity.role() == Role.AGENT) {
            throw new UserInputException("--host is for --controller and --broker certificates; an agent is not a "
                    + "server");
        }
        List<String> names = identity.role() == Role.AGENT ? List.of()
                : hosts == null ? CertificateAuthority.DEFAULT_HOSTS : hosts;
        Duration validity = Duration.ofDays(PkiCommand.days(days, CertificateAuthority.DEFAULT_DAYS));
        IssuedCertificate issued = dir.open().issue(identity, names, validity, force);
        var out = spec.commandLine().getOut();
        for (IndexEntry old : issued.revoked()) {
            out.printf("revoked serial %s (crl.pem updated)%n", old.serial());
        }
        out.printf("issued %s %s, serial %s, valid until %s%s%n", identity.role().wire(), identity.name(),
                issued.serial().toString(16), issued.notAfter(), names.isEmpty() ? "" : ", for " + names);
        out.printf("  bundle       %s  (%s; it holds the key)%n", issued.bundle(), switch (identity.role()) {
            case AGENT -> "copy this file to the board";
            case CONTROLLER -> "give it to serve --tls-bundle";
            case BROKER -> "the broker takes the .crt and .key: see docker/mosquitto/README.md";
        });
        out.printf("  certificate  %s%n  key          %s%n", issued.certificate(), issued.key());
        out.flush();
        return 0;
    }
}
