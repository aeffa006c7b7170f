package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.pki.IndexEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigmaquant pki list}: every certificate the CA issued. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the certificates issued: serial, role, name, expiry, state (current, expired, revoked).")
final class PkiListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PkiCommand.DirOption dir;

    @Option(names = "--json", description = "print the index as JSON")
    boolean json;

    @Override
    public Integer call() {
        List<IndexEntry> entries = dir.open().certificates();
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, entries);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("serial", "role", "name", "not after", "state"));
        Instant now = Instant.now();
        for (IndexEntry e : entries) {
            String state = e.revoked() ? "revoked " + e.revokedAt()
                    : Instant.parse(e.notAfter()).isAfter(now) ? "current" : "expired";
            rows.add(List.of(e.serial(), e.role(), e.name(), e.notAfter(), state));
        }
        Output.table(out, rows);
        return 0;
    }
}
