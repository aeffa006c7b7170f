package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.cli.AgentCli;
import io.sigmaquant.controller.testing.TestPki;
import io.sigmaquant.protocol.tls.TlsFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The TLS flags of {@code serve} and {@code sigmaquant-agent run} refuse what cannot work with one line and exit
 * 2, before anything connects. (The agent's command is tried here, where the test CA lives.)
 */
class CliTlsFlagsTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TlsFiles agent;
    static TlsFiles controller;

    @BeforeAll
    static void issue() {
        pki = TestPki.create(dir.resolve("pki"), "cli-ca");
        agent = pki.agent("board-1");
        controller = pki.controller("controller");
    }

    @Test
    void serve_agentsBundle_exit2NamingTheCertificate() {
        CliRunner.Result r = CliRunner.run("serve", "--tls-bundle", agent.cert(), "--data-dir", dir.resolve("serve"),
                "--http-port", 0, "--mqtt-port", 0);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(agent.cert().toString())
                .contains("not for a controller");
    }

    @Test
    void serve_brokersCertificate_exit2NamingTheCertificate() {
        TlsFiles broker = pki.broker("mqtt-broker");
        CliRunner.Result r = CliRunner.run("serve", "--tls-ca", broker.ca(), "--tls-cert", broker.cert(),
                "--tls-key", broker.key(), "--data-dir", dir.resolve("serve"), "--http-port", 0, "--mqtt-port", 0);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(broker.cert().toString())
                .contains("broker mqtt-broker, not for a controller");
    }

    @Test
    void serve_bundleAndSeparateFiles_exit2() {
        CliRunner.Result r = CliRunner.run("serve", "--tls-bundle", agent.cert(), "--tls-ca", pki.ca(), "--data-dir",
                dir.resolve("serve"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--tls-bundle or --tls-ca/--tls-cert/--tls-key");
    }

    @Test
    void serve_certificateThatIsNoPem_exit2NamingTheFile() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.crt"), "not a certificate");
        CliRunner.Result r = CliRunner.run("serve", "--tls-ca", pki.ca(), "--tls-cert", junk, "--tls-key",
                controller.key(), "--data-dir", dir.resolve("serve"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(junk.toString());
    }

    @Test
    void serve_certificateWithPlainBrokerUrl_exit2() {
        CliRunner.Result r = CliRunner.run("serve", "--tls-ca", pki.ca(), "--tls-cert", controller.cert(), "--tls-key",
                controller.key(), "--broker", "tcp://127.0.0.1:1883", "--data-dir", dir.resolve("serve"), "--http-port", 0);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("ssl://");
    }

    @Test
    void serve_certificateNotNamingTheEmbeddedBrokersHost_exit2NamingTheHost() {
        TlsFiles elsewhere = pki.controller("controller-elsewhere", java.util.List.of("ctrl.example.org"));
        CliRunner.Result r = CliRunner.run("serve", "--tls-ca", pki.ca(), "--tls-cert", elsewhere.cert(), "--tls-key",
                elsewhere.key(), "--data-dir", dir.resolve("serve-elsewhere"), "--http-port", 0, "--mqtt-port", 0);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("does not name 127.0.0.1").contains("--host 127.0.0.1");
    }

    @Test
    void serve_mqttUsernameWithoutPasswordFile_exit2() {
        CliRunner.Result r = CliRunner.run("serve", "--broker", "tcp://127.0.0.1:1883", "--mqtt-username", "controller",
                "--data-dir", dir.resolve("serve"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--mqtt-password-file");
    }

    @Test
    void agentRun_idOtherThanTheCertificatesCn_exit2() {
        Result r = agent("run", "--broker", "ssl://127.0.0.1:1", "--profile", "x86-64-generic", "--simulate",
                "--tls-bundle", agent.cert().toString(), "--id", "board-2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("is for agent board-1, not for agent board-2");
    }

    @Test
    void agentRun_certificateWithPlainBrokerUrl_exit2() {
        Result r = agent("run", "--broker", "tcp://127.0.0.1:1", "--profile", "x86-64-generic", "--simulate",
                "--tls-bundle", agent.cert().toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ssl://");
    }

    @Test
    void agentRun_neitherIdNorCertificate_exit2() {
        Result r = agent("run", "--broker", "tcp://127.0.0.1:1", "--profile", "x86-64-generic", "--simulate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--id");
    }

    private record Result(int code, String err) {
    }

    private static Result agent(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), err.toString());
    }
}
