package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Verifies that a metrics endpoint that cannot listen is refused as bad input (one line, exit 2) before the agent
 * connects: the broker here is unreachable, so an agent that connected first would exit 1 for that instead — and
 * on a board, crash after announcing itself online, restarted forever by its unit.
 */
class MetricsBindFailureTest {
    @TempDir
    Path tmp;

    private String[] run(String host, int port) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--broker", "tcp://127.0.0.1:" + closed, "--id", "a-1", "--profile",
                "x86-64-generic", "--measure-in-process", "--cache-dir", tmp.toString(), "--metrics-host", host,
                "--metrics-port", String.valueOf(port));
        return new String[] {String.valueOf(exit), err.toString()};
    }

    @Test
    void run_metricsPortTaken_isOneLineAndExit2BeforeConnecting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String[] result = run("127.0.0.1", taken.getLocalPort());

            assertThat(result[0]).as(result[1]).isEqualTo("2");
            assertThat(result[1].lines()).singleElement().asString()
                    .startsWith("sigmaquant-agent: --metrics-host/--metrics-port 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** .invalid never resolves (RFC 2606). */
    @Test
    void run_metricsHostUnknown_isOneLineAndExit2BeforeConnecting() throws Exception {
        String[] result = run("metrics.invalid", 0);

        assertThat(result[0]).as(result[1]).isEqualTo("2");
        assertThat(result[1].lines()).singleElement().asString()
                .startsWith("sigmaquant-agent: --metrics-host/--metrics-port metrics.invalid:0")
                .contains("does not resolve");
    }
}
