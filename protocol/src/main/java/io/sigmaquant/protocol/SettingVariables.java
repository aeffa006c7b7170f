package io.sigmaquant.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The rule both command lines share for settings given as environment variables (containers, systemd units):
 * the long option {@code --agent-id} of {@code sigmaquant serve} or {@code sigmaquant-agent run} can be given as
 * {@code SIGMAQUANT_AGENT_ID}. A flag on the command line wins over the variable; an empty variable counts as
 * not set, as compose files write {@code ${VAR:-}} for an optional one.
 */
public final class SettingVariables {
    public static final String PREFIX = "SIGMAQUANT_";

    private SettingVariables() {
    }

    /** {@code --http-port} -> {@code SIGMAQUANT_HTTP_PORT}. */
    public static String name(String longOption) {
        if (!longOption.matches("--[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("not a long option in kebab case: " + longOption);
        }
        return PREFIX + longOption.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The variable's value for this option from {@code environment} (e.g. {@code System::getenv}), if set. */
    public static Optional<String> lookup(String longOption, UnaryOperator<String> environment) {
        return Optional.ofNullable(environment.apply(name(longOption))).filter(v -> !v.isEmpty());
    }
}
