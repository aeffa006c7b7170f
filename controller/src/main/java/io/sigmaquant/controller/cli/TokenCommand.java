package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.store.ApiTokens;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigmaquant token create|list|revoke}: the API's bearer tokens, kept hashed in the service's store (the
 * same {@code --data-dir} or {@code --store-url} as {@code serve}). With the embedded H2 store, run it while
 * {@code serve} is stopped (H2 lets one process open its file); with PostgreSQL, at any time.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {
    /** The store the service uses, as flags (mixed into each subcommand). */
    static final class Where {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "the service's data folder (default: " + ControllerOptions.DEFAULT_DATA_DIR + ")")
        Path dataDir;

        @Mixin
        StoreOptions store;

        /** Runs {@code work} on the store's tokens, then closes the store. */
        <T> T tokens(Function<ApiTokens, T> work) {
            try (RunStore s = open()) {
                return work.apply(s.tokens());
            }
        }

        private RunStore open() {
            ControllerOptions options = store.applyTo(new ControllerOptions());
            if (dataDir != null) {
                options.setDataDir(dataDir);
            }
            return RunStore.open(options.storeUrl() != null ? options.storeUrl()
                    : RunStore.embeddedUrl(options.dataDir().toAbsolutePath()), options.storeUser(),
                    options.storePassword());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once; only its SHA-256 is kept.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Where store;
        @Spec
        CommandSpec spec;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "viewer (reads) or operator (also starts and cancels runs)")
        String role;

        @Option(names = "--name", paramLabel = "NAME", description = "what the token is for (default: role-id)")
        String name;

        @Override
        public Integer call() {
            ApiRole r;
            try {
                r = ApiRole.fromWire(role);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--role " + e.getMessage().replace("role ", ""));
            }
            ApiTokens.CreatedToken t = store.tokens(tokens -> tokens.create(name, r));
            var out = spec.commandLine().getOut();
            out.println(t.token());
            out.flush();
            var err = spec.commandLine().getErr();
            err.printf("token %s (%s, %s) created; it is shown only now: send it as 'Authorization: Bearer "
                    + "<token>'%n", t.stored().id(), t.stored().name(), r.wire());
            err.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        Where store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("id", "name", "role", "created", "revoked"));
            for (ApiTokens.StoredToken t : store.tokens(ApiTokens::list)) {
                rows.add(List.of(t.id(), t.name(), t.role().wire(), Instant.ofEpochMilli(t.createdAtMs()).toString(),
                        t.revokedAtMs() == null ? "" : Instant.ofEpochMilli(t.revokedAtMs()).toString()));
            }
            Output.table(spec.commandLine().getOut(), rows);
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by its id or name.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Where store;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID|NAME")
        String token;

        @Override
        public Integer call() {
            ApiTokens.StoredToken t = store.tokens(tokens -> tokens.revoke(token));
            spec.commandLine().getOut().printf("token %s (%s) revoked%n", t.id(), t.name());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
