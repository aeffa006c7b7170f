package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.controller.pki.IndexEntry;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigmaquant pki revoke}: puts certificates on the CRL. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke an identity's certificates, or one certificate by serial, and rewrite crl.pem.",
                "Give the new crl.pem to the broker (--tls-crl, or Mosquitto's crlfile) and restart it."})
final class PkiRevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PkiCommand.DirOption dir;

    /** Whose certificates: an identity or a serial. */
    static final class Target {
        @ArgGroup(exclusive = true, multiplicity = "1")
        PkiCommand.IdentityOption who;

        @Option(names = "--serial", paramLabel = "HEX", required = true,
                description = "a serial number as `pki list` shows it (hex; colons allowed)")
        String serial;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Override
    public Integer call() {
        CertificateAuthority ca = dir.open();
        List<IndexEntry> revoked = target.serial != null ? ca.revoke(serial(target.serial))
                : ca.revoke(target.who.identity());
        var out = spec.commandLine().getOut();
        if (revoked.isEmpty()) {
            out.printf("serial %s was already revoked%n", target.serial);
        }
        for (IndexEntry e : revoked) {
            out.printf("revoked %s %s, serial %s%n", e.role(), e.name(), e.serial());
        }
        out.printf("  crl          %s%n", ca.folder().crl());
        out.flush();
        return 0;
    }

    private static BigInteger serial(String text) {
        String hex = text.strip().toLowerCase(java.util.Locale.ROOT).replace(":", "");
        hex = hex.startsWith("0x") ? hex.substring(2) : hex;
        if (!hex.matches("[0-9a-f]{1,64}")) {
            throw new UserInputException("--serial must be a hexadecimal serial number: " + text);
        }
        return new BigInteger(hex, 16);
    }
}
