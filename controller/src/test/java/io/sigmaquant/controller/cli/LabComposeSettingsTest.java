package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sigmaquant.agent.cli.AgentCli;
import io.sigmaquant.controller.testing.Fixtures;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Verifies that the lab ({@code docker/compose.yaml}) configures the controller and the agents only with variables
 * that name real options: {@code SIGMAQUANT_<OPTION>} is {@code --option} of {@code sigmaquant serve} or
 * {@code sigmaquant-agent run}. A renamed flag would otherwise leave the lab running on a silently ignored setting.
 * (The compose file itself is checked with {@code docker compose config}; CI has no Docker engine.)
 */
class LabComposeSettingsTest {
    private static final String PREFIX = "SIGMAQUANT_";

    @Test
    void controllerService_setsOnlyOptionsOfServe() throws IOException {
        Set<String> variables = variables("controller");

        assertThat(variables).contains("SIGMAQUANT_BROKER", "SIGMAQUANT_TLS_BUNDLE", "SIGMAQUANT_STORE_URL");
        assertThat(variables).isSubsetOf(variablesOf(SigmaQuantCli.commandLine().getSubcommands().get("serve")));
    }

    @Test
    void agentService_setsOnlyOptionsOfRun() throws IOException {
        Set<String> variables = variables("agent");

        assertThat(variables).contains("SIGMAQUANT_BROKER", "SIGMAQUANT_PROFILE", "SIGMAQUANT_SIMULATE");
        assertThat(variables).isSubsetOf(variablesOf(AgentCli.commandLine().getSubcommands().get("run")));
    }

    @Test
    void variablesOf_namesEachLongOptionInUpperSnakeCase() {
        Set<String> serve = variablesOf(SigmaQuantCli.commandLine().getSubcommands().get("serve"));

        assertThat(serve).contains("SIGMAQUANT_WAIT_FOR_AGENT_S", "SIGMAQUANT_HTTP_PORT")
                .doesNotContain("SIGMAQUANT_ID", "SIGMAQUANT_VERSION", "SIGMAQUANT_HELP");
    }

    /** The SIGMAQUANT_* variables a service of the lab sets. */
    private static Set<String> variables(String service) throws IOException {
        JsonNode compose = new YAMLMapper().readTree(Fixtures.repoRoot().resolve("docker/compose.yaml").toFile());
        JsonNode environment = compose.path("services").path(service).path("environment");
        assertThat(environment.isObject()).as("services.%s.environment in docker/compose.yaml", service).isTrue();
        Set<String> names = new TreeSet<>();
        environment.fieldNames().forEachRemaining(name -> {
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * The variable of every long option of a command but --help and --version: {@code --wait-for-agent-s} is
     * SIGMAQUANT_WAIT_FOR_AGENT_S.
     */
    static Set<String> variablesOf(CommandLine command) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            String longest = option.longestName();
            if (longest.startsWith("--") && !option.usageHelp() && !option.versionHelp()) {
                names.add(PREFIX + longest.substring(2).replace('-', '_').toUpperCase(Locale.ROOT));
            }
        }
        return names;
    }
}
