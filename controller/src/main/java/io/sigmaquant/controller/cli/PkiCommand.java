package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sigmaquant pki ...}: the installation's certificate authority. */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "A certificate authority for one installation: identities for agents, controllers and brokers.",
        subcommands = {PkiInitCommand.class, PkiIssueCommand.class, PkiRevokeCommand.class, PkiListCommand.class,
                PkiCrlCommand.class, PkiVerifyCommand.class})
final class PkiCommand {
    /** {@code --dir}, shared by the subcommands that work on the CA's folder. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "the CA's folder (default: ./" + CertificateAuthority.DEFAULT_DIR_NAME + ")")
        Path dir;

        Path dir() {
            return dir == null ? CertificateAuthority.DEFAULT_DIR : dir;
        }

        CertificateAuthority open() {
            return CertificateAuthority.open(dir(), Clock.systemUTC());
        }
    }

    /** {@code --agent ID | --controller NAME | --broker NAME}: whose certificate. */
    static final class IdentityOption {
        @Option(names = "--agent", paramLabel = "ID", required = true, description = "an agent id")
        String agent;

        @Option(names = "--controller", paramLabel = "NAME", required = true,
                description = "a controller name (its MQTT client id: one per controller process)")
        String controller;

        @Option(names = "--broker", paramLabel = "NAME", required = true,
                description = "an external broker's server certificate (no MQTT rights, no model downloads)")
        String broker;

        Identity identity() {
            Role role = agent != null ? Role.AGENT : controller != null ? Role.CONTROLLER : Role.BROKER;
            String name = agent != null ? agent : controller != null ? controller : broker;
            try {
                return new Identity(name, role);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--" + role.wire() + " must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}: " + name);
            }
        }
    }

    /** {@code --days N}, with the command's default. */
    static int days(Integer days, int defaultDays) {
        int value = days == null ? defaultDays : days;
        // 100 years: far beyond any sensible certificate, and well inside what X.509 dates can carry
        if (value < 1 || value > 36_500) {
            throw new UserInputException("--days must be between 1 and 36500: " + value);
        }
        return value;
    }
}
