package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sigmaquant token}: a token is printed once, kept only hashed, listed by name and revoked. */
class TokenCommandTest {
    @TempDir
    Path data;

    @Test
    void createListRevoke_tokenWorksUntilRevokedAndIsNeverStoredInClear() throws Exception {
        CliRun created = CliRun.of("token", "create", "--role", "operator", "--name", "ci", "--data-dir", data);
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("sq_").hasSizeGreaterThan(40);

        CliRun listed = CliRun.of("token", "list", "--data-dir", data);
        assertThat(listed.out()).contains("ci", "operator").doesNotContain(token);
        try (RunStore store = RunStore.open(RunStore.embeddedUrl(data.toAbsolutePath()), "sa", "")) {
            assertThat(store.tokens().role(token)).contains(ApiRole.OPERATOR);
        }
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(token.substring(3));
            }
        }

        assertThat(CliRun.of("token", "revoke", "ci", "--data-dir", data).exitCode()).isZero();
        try (RunStore store = RunStore.open(RunStore.embeddedUrl(data.toAbsolutePath()), "sa", "")) {
            assertThat(store.tokens().role(token)).isEmpty();
        }
    }

    @Test
    void create_unknownRole_exit2NamingTheFlag() {
        CliRun r = CliRun.of("token", "create", "--role", "admin", "--data-dir", data);
        assertThat(r.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--role", "viewer or operator");
    }
}
