package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.SettingVariables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Verifies that {@code sigmaquant-agent run} takes its settings from SIGMAQUANT_* variables, and a flag wins. */
class EnvironmentDefaultsTest {
    private static RunCommand parse(Map<String, String> env, String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).setDefaultValueProvider(new EnvironmentDefaults(env::get)).parseArgs(args);
        return run;
    }

    @Test
    void parse_requiredOptionsFromVariables_areSatisfied() {
        RunCommand run = parse(Map.of("SIGMAQUANT_BROKER", "tcp://mosquitto:1883", "SIGMAQUANT_PROFILE", "rpi5",
                "SIGMAQUANT_ID", "pi-1", "SIGMAQUANT_CACHE_DIR", "/var/cache/sigmaquant", "SIGMAQUANT_SIMULATE", "true",
                "SIGMAQUANT_METRICS_HOST", "0.0.0.0", "SIGMAQUANT_METRICS_PORT", "9400"));

        assertThat(run.broker).isEqualTo("tcp://mosquitto:1883");
        assertThat(run.profile).isEqualTo("rpi5");
        assertThat(run.id).isEqualTo("pi-1");
        assertThat(run.cacheDir).isEqualTo(Path.of("/var/cache/sigmaquant"));
        assertThat(run.simulate).isTrue();
        assertThat(run.metricsHost).isEqualTo("0.0.0.0");
        assertThat(run.metricsPort).isEqualTo(9400);
    }

    @Test
    void parse_flagAndVariable_flagWins() {
        RunCommand run = parse(Map.of("SIGMAQUANT_BROKER", "tcp://env:1883", "SIGMAQUANT_PROFILE", "rpi5"),
                "--broker", "tcp://flag:1883");

        assertThat(run.broker).isEqualTo("tcp://flag:1883");
        assertThat(run.profile).isEqualTo("rpi5");
    }

    @Test
    void parse_requiredOptionInNeither_isRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse(Map.of("SIGMAQUANT_PROFILE", "rpi5", "SIGMAQUANT_BROKER", "")))
                .isInstanceOf(CommandLine.MissingParameterException.class).hasMessageContaining("--broker");
    }

    @Test
    void parse_noVariable_leavesTheOptionToAgentOptions() {
        RunCommand run = parse(Map.of(), "--broker", "tcp://b:1883", "--profile", "rpi5");

        assertThat(run.metricsPort).isNull();
        assertThat(run.metricsHost).isNull();
        assertThat(run.simulate).isFalse();
    }

    /** Runs {@code sigmaquant-agent} with these variables; returns the exit status and stderr. */
    private static String[] execute(Map<String, String> env, String... args) {
        CommandLine cli = AgentCli.commandLine();
        cli.getSubcommands().get("run").setDefaultValueProvider(new EnvironmentDefaults(env::get));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new String[] {String.valueOf(exit), err.toString()};
    }

    @Test
    void run_badVariableValue_isOneLineNamingTheVariable() {
        String[] result = execute(Map.of("SIGMAQUANT_BROKER", "tcp://b:1883", "SIGMAQUANT_PROFILE", "rpi5",
                "SIGMAQUANT_QUEUE", "abc"), "run");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).singleElement().asString().startsWith("sigmaquant-agent: ")
                .contains("--queue", "'abc'").endsWith(" (from SIGMAQUANT_QUEUE)");
    }

    @Test
    void run_badFlagValue_isOneLineNamingOnlyTheFlag() {
        String[] result = execute(Map.of("SIGMAQUANT_BROKER", "tcp://b:1883", "SIGMAQUANT_PROFILE", "rpi5",
                "SIGMAQUANT_QUEUE", "4"), "run", "--queue=abc");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).singleElement().asString().startsWith("sigmaquant-agent: ")
                .contains("--queue", "'abc'").doesNotContain("SIGMAQUANT_");
    }

    @Test
    void run_requiredOptionInNeither_isOneLineNamingFlagAndVariable() {
        String[] result = execute(Map.of("SIGMAQUANT_PROFILE", "rpi5"), "run");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).singleElement().asString().startsWith("sigmaquant-agent: ")
                .contains("--broker").endsWith(" (or set SIGMAQUANT_BROKER)");
    }

    @Test
    void unknownFlag_isOneLine() {
        String[] result = execute(Map.of("SIGMAQUANT_BROKER", "tcp://b:1883", "SIGMAQUANT_PROFILE", "rpi5"), "run",
                "--no-such-flag");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1].lines()).singleElement().asString().startsWith("sigmaquant-agent: ")
                .contains("--no-such-flag");
    }

    @Test
    void everyLongOptionOfRun_hasAVariable() {
        CommandLine run = AgentCli.commandLine().getSubcommands().get("run");

        assertThat(run.getDefaultValueProvider()).isInstanceOf(EnvironmentDefaults.class);
        for (OptionSpec option : run.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                assertThat(SettingVariables.name(option.longestName())).startsWith("SIGMAQUANT_");
            }
        }
    }
}
