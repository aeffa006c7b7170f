package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void run_brokerPortClosed_isOneLineAndExit1() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // free once closed: nothing listens there
        }
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("run", "--broker", "tcp://127.0.0.1:" + closed, "--id", "a-1", "--profile",
                "x86-64-generic", "--measure-in-process", "--cache-dir", tmp.toString(), "--metrics-port", "0");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("sigmaquant-agent: cannot connect to the broker tcp://127.0.0.1:" + closed + ": ");
    }
}
