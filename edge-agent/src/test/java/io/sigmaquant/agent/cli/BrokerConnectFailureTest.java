package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.DroppingTlsBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Verifies that an agent whose broker cannot be reached says so in one line and exits 1 — not 2, which its systemd
 * unit does not restart — instead of a stack trace.
 */
class BrokerConnectFailureTest {
    @TempDir
    Path tmp;

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // free once closed: nothing listens there
        }
    }

    private void assertRetriable(String broker) {
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("run", "--broker", broker, "--id", "a-1", "--profile", "x86-64-generic",
                "--measure-in-process", "--cache-dir", tmp.toString(), "--metrics-port", "0");

        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("sigmaquant-agent: cannot connect to the broker " + broker + ": ")
                .doesNotContain("certificate");
    }

    @Test
    void run_brokerPortClosed_isOneLineAndExit1() throws Exception {
        assertRetriable("tcp://127.0.0.1:" + closedPort());
    }

    /** A board booting before the broker is up over TLS: not a certificate problem, so the unit retries. */
    @Test
    void run_tlsBrokerPortClosed_isOneLineAndExit1() throws Exception {
        assertRetriable("ssl://127.0.0.1:" + closedPort());
    }

    /** A board booting before its DNS: .invalid never resolves (RFC 2606). */
    @Test
    void run_tlsBrokerHostUnknown_isOneLineAndExit1() {
        assertRetriable("ssl://broker.invalid:8883");
    }

    /**
     * A TLS broker that drops the connection after the handshake: maybe a refused certificate (TLS 1.3), maybe a
     * broker restarting. Retried (exit 1), with a hint at the certificate should it persist.
     */
    @Test
    void run_tlsBrokerDropsAfterHandshake_isOneLineExit1WithCertificateHint() throws Exception {
        try (DroppingTlsBroker broker = new DroppingTlsBroker(tmp)) {
            StringWriter err = new StringWriter();
            CommandLine cli = AgentCli.commandLine();
            cli.setErr(new PrintWriter(err));

            int exit = cli.execute("run", "--broker", broker.url(), "--tls-ca", broker.caFile().toString(), "--id",
                    "a-1", "--profile", "x86-64-generic", "--measure-in-process", "--cache-dir", tmp.toString(),
                    "--metrics-port", "0");

            assertThat(exit).as(err.toString()).isEqualTo(1);
            assertThat(err.toString().lines()).singleElement().asString()
                    .startsWith("sigmaquant-agent: cannot connect to the broker " + broker.url() + ": ")
                    .endsWith("if this persists, check the certificate: a revoked, expired or foreign one is refused "
                            + "this way");
        }
    }
}
