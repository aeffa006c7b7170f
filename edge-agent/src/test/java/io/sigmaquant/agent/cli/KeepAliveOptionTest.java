package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.AgentOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Verifies that the MQTT keep-alive defaults to 4 s (offline within 6 s), is checked, and may come from the environment. */
class KeepAliveOptionTest {
    @TempDir
    Path tmp;

    @Test
    void keepAlive_notGiven_isTheDefault() {
        assertThat(new AgentOptions("tcp://b:1883", "a-1", "x86-64-generic").keepAliveSeconds())
                .isEqualTo(AgentOptions.DEFAULT_KEEP_ALIVE_SECONDS).isEqualTo(4);
    }

    @Test
    void keepAlive_copied_keepsItsValue() {
        AgentOptions options = new AgentOptions("tcp://b:1883", "a-1", "x86-64-generic").setKeepAliveSeconds(17);

        assertThat(new AgentOptions(options).keepAliveSeconds()).isEqualTo(17);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_536})
    void setKeepAliveSeconds_outOfRange_isRefused(int seconds) {
        assertThatThrownBy(() -> new AgentOptions("tcp://b:1883", "a-1", "x86-64-generic").setKeepAliveSeconds(seconds))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--keep-alive-s");
    }

    @Test
    void run_keepAliveZero_isOneLineAndExit2BeforeConnecting() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("run", "--broker", "tcp://127.0.0.1:" + closed, "--id", "a-1", "--profile",
                "x86-64-generic", "--measure-in-process", "--cache-dir", tmp.toString(), "--keep-alive-s", "0");

        assertThat(exit).as(err.toString()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("sigmaquant-agent: --keep-alive-s must be between 1 and 65535");
    }

    @Test
    void keepAliveVariable_set_isTheOptionsDefault() {
        CommandLine cli = new CommandLine(new RunCommand());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of("SIGMAQUANT_KEEP_ALIVE_S", "9")::get));

        cli.parseArgs("--broker", "tcp://b:1883", "--id", "a-1", "--profile", "x86-64-generic");

        assertThat(((RunCommand) cli.getCommand()).keepAliveSeconds).isEqualTo(9);
    }
}
