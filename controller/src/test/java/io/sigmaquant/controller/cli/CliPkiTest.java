package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.pki.CertificateAuthority;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies {@code sigmaquant pki} end to end: the files it writes are owner-only and nothing it prints holds key
 * material; every bad TLS file given to {@code pki verify} exits 2 with one line naming the file.
 */
class CliPkiTest {
    @TempDir
    Path tmp;

    private Path pki;

    @BeforeEach
    void setUp() {
        pki = tmp.resolve("pki");
        assertOk(CliRun.of("pki", "init", "--dir", pki));
    }

    private static CliRun assertOk(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");
        return run;
    }

    private static void assertRefused(CliRun run, Path file, String... fragments) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("sigmaquant: " + file + ": ")
                .contains(fragments);
        assertThat(run.out()).isEmpty();
    }

    private static CliRun verify(Path ca, Path cert, Path key) {
        return CliRun.of("pki", "verify", "--tls-ca", ca, "--tls-cert", cert, "--tls-key", key);
    }

    private Path agentFile(String id, String ext) {
        return pki.resolve("agents").resolve(id + ext);
    }

    @Test
    void initIssueRevoke_writeOwnerOnlyFilesAndPrintPathsButNoKey() throws Exception {
        CliRun issued = assertOk(CliRun.of("pki", "issue", "--agent", "board-1", "--dir", pki));
        assertOk(CliRun.of("pki", "issue", "--controller", "controller", "--host", "fleet.lan", "--host", "10.0.0.5",
                "--dir", pki));
        CliRun revoked = assertOk(CliRun.of("pki", "revoke", "--agent", "board-1", "--dir", pki));
        CliRun list = assertOk(CliRun.of("pki", "list", "--dir", pki));

        assertThat(issued.out()).contains(agentFile("board-1", ".pem").toString(), "copy this file to the board");
        assertThat(revoked.out()).contains("revoked agent board-1", pki.resolve("crl.pem").toString());
        assertThat(list.out()).contains("controller", "current", "revoked");
        try (Stream<Path> all = Files.walk(pki)) {
            for (Path path : all.toList()) {
                String expected = Files.isDirectory(path) ? "rwx------" : "rw-------";
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(path.toString())
                        .isEqualTo(expected);
            }
        }
        assertRefused(CliRun.of("pki", "verify", "--tls-bundle", agentFile("board-1", ".pem"), "--tls-crl",
                pki.resolve("crl.pem")), agentFile("board-1", ".pem"), "is revoked");
        assertThat(assertOk(CliRun.of("pki", "verify", "--tls-bundle",
                pki.resolve("controllers").resolve("controller.pem"), "--tls-crl", pki.resolve("crl.pem"))).out())
                .startsWith("ok: controller controller, serial ");
    }

    @Test
    void issue_sameAgentAgain_isRefusedUntilForced() {
        assertOk(CliRun.of("pki", "issue", "--agent", "board-1", "--dir", pki));

        CliRun again = CliRun.of("pki", "issue", "--agent", "board-1", "--dir", pki);
        assertThat(again.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(again.err()).contains("--force");
        assertThat(assertOk(CliRun.of("pki", "issue", "--agent", "board-1", "--force", "--dir", pki)).out())
                .contains("revoked serial");
    }

    @Test
    void issueBroker_withHosts_writesBrokersFilesAndPointsToTheBrokersSetUp() {
        CliRun issued = assertOk(CliRun.of("pki", "issue", "--broker", "broker", "--host", "mqtt.lan", "--dir", pki));

        assertThat(issued.out()).contains("issued broker broker").contains("[mqtt.lan]")
                .contains(pki.resolve("brokers").resolve("broker.crt").toString()).contains("docker/mosquitto");
        assertThat(pki.resolve("brokers").resolve("broker.key")).exists();
    }

    @Test
    void badFlags_exitTwoWithOneLine() {
        for (CliRun run : List.of(CliRun.of("pki", "init", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "bad/id", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "controller", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "broker", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "a", "--host", "x", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "a", "--days", "0", "--dir", pki),
                CliRun.of("pki", "issue", "--agent", "a", "--dir", tmp.resolve("no-ca")),
                CliRun.of("pki", "revoke", "--serial", "zz", "--dir", pki),
                CliRun.of("pki", "revoke", "--serial", "abc", "--dir", pki))) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
            assertThat(run.err().strip()).startsWith("sigmaquant: ").doesNotContain("\n");
        }
    }

    @Test
    void verify_garbageCertificate_isRefusedNamingIt() throws Exception {
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", pki));
        Files.write(agentFile("a", ".crt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});

        assertRefused(verify(pki.resolve("ca.crt"), agentFile("a", ".crt"), agentFile("a", ".key")),
                agentFile("a", ".crt"), "not a PEM file");
    }

    @Test
    void verify_truncatedCertificate_isRefusedNamingIt() throws Exception {
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", pki));
        String pem = Files.readString(agentFile("a", ".crt"));
        Files.writeString(agentFile("a", ".crt"), pem.substring(0, pem.length() - 40));

        assertRefused(verify(pki.resolve("ca.crt"), agentFile("a", ".crt"), agentFile("a", ".key")),
                agentFile("a", ".crt"), "malformed");
    }

    @Test
    void verify_malformedKey_isRefusedNamingIt() throws Exception {
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", pki));
        Files.writeString(agentFile("a", ".key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertRefused(verify(pki.resolve("ca.crt"), agentFile("a", ".crt"), agentFile("a", ".key")),
                agentFile("a", ".key"), "malformed");
    }

    @Test
    void verify_keyOfAnotherCertificate_isRefusedNamingTheKey() {
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", pki));
        assertOk(CliRun.of("pki", "issue", "--agent", "b", "--dir", pki));

        assertRefused(verify(pki.resolve("ca.crt"), agentFile("a", ".crt"), agentFile("b", ".key")),
                agentFile("b", ".key"), "does not match the certificate");
    }

    @Test
    void verify_leafGivenAsCa_isRefusedAsNotACa() {
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", pki));

        assertRefused(verify(agentFile("a", ".crt"), agentFile("a", ".crt"), agentFile("a", ".key")),
                agentFile("a", ".crt"), "not a CA certificate");
    }

    @Test
    void verify_certificateOfAnotherCa_isRefusedNamingIt() {
        Path foreign = tmp.resolve("foreign");
        assertOk(CliRun.of("pki", "init", "--dir", foreign, "--name", "Foreign CA"));
        assertOk(CliRun.of("pki", "issue", "--agent", "a", "--dir", foreign));
        Path cert = foreign.resolve("agents").resolve("a.crt");

        assertRefused(verify(pki.resolve("ca.crt"), cert, foreign.resolve("agents").resolve("a.key")), cert,
                "not signed by the CA");
    }

    @Test
    void verify_expiredCertificate_isRefusedNamingIt() {
        // no flag issues an expired certificate; the Java API does, for tests
        Instant now = Instant.now();
        CertificateAuthority.open(pki, Clock.systemUTC()).issue(new Identity("old", Role.AGENT), List.of(),
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), false);

        assertRefused(CliRun.of("pki", "verify", "--tls-bundle", agentFile("old", ".pem")), agentFile("old", ".pem"),
                "expired on");
    }

    @Test
    void verify_missingFile_isRefusedNamingIt() {
        Path missing = tmp.resolve("nowhere.pem");

        assertRefused(CliRun.of("pki", "verify", "--tls-bundle", missing), missing, "cannot read");
    }
}
