package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.cli.EnvironmentDefaults;
import io.sigmaquant.protocol.SettingVariables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Verifies that {@code sigmaquant serve} takes its settings from SIGMAQUANT_* variables, and a flag wins. */
class EnvironmentDefaultsTest {
    private static ServeCommand parse(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).setDefaultValueProvider(new EnvironmentDefaults(env::get)).parseArgs(args);
        return serve;
    }

    @Test
    void parse_variablesWithoutFlags_setTheOptions() {
        ServeCommand serve = parse(Map.of("SIGMAQUANT_HTTP_PORT", "9090", "SIGMAQUANT_DATA_DIR", "/var/lib/sigmaquant",
                "SIGMAQUANT_INSECURE", "true", "SIGMAQUANT_WAIT_FOR_AGENT_S", "30"));

        assertThat(serve.httpPort).isEqualTo(9090);
        assertThat(serve.dataDir).isEqualTo(Path.of("/var/lib/sigmaquant"));
        assertThat(serve.insecure).isTrue();
        assertThat(serve.waitForAgentSeconds).isEqualTo(30L);
    }

    @Test
    void parse_variablesOfMixinOptions_setThem() {
        ServeCommand serve = parse(Map.of("SIGMAQUANT_TLS_BUNDLE", "/run/secrets/controller.pem",
                "SIGMAQUANT_STORE_URL", "jdbc:postgresql://db/sigmaquant"));

        assertThat(serve.tls.bundle).isEqualTo(Path.of("/run/secrets/controller.pem"));
        assertThat(serve.store.url).isEqualTo("jdbc:postgresql://db/sigmaquant");
    }

    @Test
    void parse_flagAndVariable_flagWins() {
        ServeCommand serve = parse(Map.of("SIGMAQUANT_HTTP_PORT", "9090", "SIGMAQUANT_BROKER", "tcp://env:1883"),
                "--http-port", "8081", "--broker", "tcp://flag:1883");

        assertThat(serve.httpPort).isEqualTo(8081);
        assertThat(serve.broker).isEqualTo("tcp://flag:1883");
    }

    @Test
    void parse_noVariable_leavesTheOptionToControllerOptions() {
        ServeCommand serve = parse(Map.of("SIGMAQUANT_HTTP_PORT", ""));

        assertThat(serve.httpPort).isNull();
        assertThat(serve.insecure).isFalse();
    }

    @Test
    void serve_badVariableValue_isOneLineNamingTheVariable() {
        CommandLine cli = SigmaQuantCli.commandLine();
        cli.getSubcommands().get("serve").setDefaultValueProvider(
                new EnvironmentDefaults(Map.of("SIGMAQUANT_HTTP_PORT", "eighty")::get));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("serve");

        assertThat(exit).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("sigmaquant: ")
                .contains("--http-port", "'eighty'").endsWith(" (from SIGMAQUANT_HTTP_PORT)");
    }

    @Test
    void everyLongOptionOfServe_hasAVariable() {
        CommandLine serve = SigmaQuantCli.commandLine().getSubcommands().get("serve");

        assertThat(serve.getDefaultValueProvider()).isInstanceOf(EnvironmentDefaults.class);
        for (OptionSpec option : serve.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                assertThat(SettingVariables.name(option.longestName())).startsWith("SIGMAQUANT_");
            }
        }
    }

    @Test
    void oneShotCommands_takeNoVariables() {
        CommandLine cli = SigmaQuantCli.commandLine();

        assertThat(cli.getSubcommands().get("quantize").getDefaultValueProvider()).isNull();
        assertThat(cli.getDefaultValueProvider()).isNull();
    }
}
