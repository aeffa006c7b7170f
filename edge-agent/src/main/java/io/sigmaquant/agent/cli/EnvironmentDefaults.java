package io.sigmaquant.agent.cli;

import io.sigmaquant.protocol.SettingVariables;
import java.util.function.UnaryOperator;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of a service command's options ({@code sigmaquant-agent run}, {@code sigmaquant serve}) from
 * {@code SIGMAQUANT_*} variables (the rule is {@link SettingVariables}), so that a container or a service unit can
 * be configured without a command line; a flag still wins. Options without a variable set keep their own default
 * (picocli falls back to it when this returns null). One class for both command lines: the controller depends on
 * the agent's module, not the other way round, and the protocol has no picocli.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    private final UnaryOperator<String> environment;

    public EnvironmentDefaults(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()
                || !option.longestName().startsWith("--")) {
            return null;
        }
        return SettingVariables.lookup(option.longestName(), environment).orElse(null);
    }
}
