package io.sigmaquant.agent.cli;

import io.sigmaquant.protocol.SettingVariables;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Answers a bad command line with one line on stderr and exit 2, as every other bad input (picocli would print
 * its message and the whole usage, ~70 lines that bury the message in a service's journal). A value that came
 * from a {@code SIGMAQUANT_*} variable is named by it, since the flag is nowhere on the command line; a missing
 * required option names the variable that can set it too. Shared by both command lines.
 */
public final class ParameterErrorLine implements IParameterExceptionHandler {
    /** The same status picocli uses for usage errors. */
    public static final int EXIT_BAD_INPUT = 2;

    private final String program;

    /** @param program the name the line starts with ({@code sigmaquant-agent}) */
    public ParameterErrorLine(String program) {
        this.program = program;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        String message = String.valueOf(ex.getMessage()).lines().findFirst().orElse("bad arguments");
        err.println(program + ": " + message + source(ex, args));
        err.flush();
        return EXIT_BAD_INPUT;
    }

    /** Where the value came from, or could come from, when the command reads variables; else nothing. */
    static String source(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        if (!(command.getDefaultValueProvider() instanceof EnvironmentDefaults environment)) {
            return "";
        }
        if (ex instanceof MissingParameterException missing) {
            List<String> variables = missing.getMissing().stream().filter(ArgSpec::isOption)
                    .map(a -> ((OptionSpec) a).longestName()).filter(n -> n.startsWith("--"))
                    .map(SettingVariables::name).toList();
            return variables.isEmpty() ? "" : " (or set " + String.join(", ", variables) + ")";
        }
        if (ex.getArgSpec() instanceof OptionSpec option && !given(option, args)) {
            try {
                if (environment.defaultValue(option) != null) {
                    return " (from " + SettingVariables.name(option.longestName()) + ")";
                }
            } catch (IllegalArgumentException notKebabCase) {
                return "";
            }
        }
        return "";
    }

    private static boolean given(OptionSpec option, String[] args) {
        return Arrays.stream(args).anyMatch(arg -> Arrays.stream(option.names())
                .anyMatch(name -> arg.equals(name) || arg.startsWith(name + "=")));
    }
}
