package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.protocol.SettingVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Verifies that the .deb's {@code /etc/sigmaquant/agent.conf} sets only variables that name real options of
 * {@code sigmaquant-agent run}: a renamed flag would otherwise leave a board running on a silently ignored setting
 * (the lab's compose file has the same check, LabComposeSettingsTest).
 */
class AgentConfSettingsTest {
    private static final Path AGENT_CONF = Fixtures.repoRoot().resolve("edge-agent/src/deb/etc/agent.conf");
    /** An assignment at the start of a line, commented out or not: a commented example must be right too. */
    private static final Pattern SETTING = Pattern.compile("^#?\\s*(" + SettingVariables.PREFIX + "[A-Z0-9_]+)=",
            Pattern.MULTILINE);

    @Test
    void agentConf_setsOnlyOptionsOfRun() throws IOException {
        Set<String> variables = variables(Files.readString(AGENT_CONF));

        assertThat(variables).contains("SIGMAQUANT_BROKER", "SIGMAQUANT_PROFILE", "SIGMAQUANT_TLS_BUNDLE");
        assertThat(variables).isSubsetOf(variablesOfRun());
    }

    @Test
    void variables_renamedOption_isNotAnOptionOfRun() {
        Set<String> variables = variables("SIGMAQUANT_BROKER=tcp://b:1883\n# SIGMAQUANT_METRICS_BIND=0.0.0.0\n");

        assertThat(variables).containsExactly("SIGMAQUANT_BROKER", "SIGMAQUANT_METRICS_BIND");
        assertThat(variablesOfRun()).doesNotContain("SIGMAQUANT_METRICS_BIND");
    }

    private static Set<String> variables(String conf) {
        Set<String> names = new TreeSet<>();
        Matcher m = SETTING.matcher(conf);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> variablesOfRun() {
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : AgentCli.commandLine().getSubcommands().get("run").getCommandSpec().options()) {
            if (option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp()) {
                names.add(SettingVariables.name(option.longestName()));
            }
        }
        return names;
    }
}
