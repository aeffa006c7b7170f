package io.sigmaquant.controller.cli;

import io.sigmaquant.agent.cli.EnvironmentDefaults;
import io.sigmaquant.agent.cli.ParameterErrorLine;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.profiles.ProfileException;
import io.sigmaquant.protocol.tls.TlsFileException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sigmaquant} command line. */
@Command(name = "sigmaquant", mixinStandardHelpOptions = true, version = "sigmaquant 0.1.0",
        description = "Mixed-precision quantization of ONNX models for edge boards.",
        subcommands = {InspectCommand.class, QuantizeCommand.class, EvaluateCommand.class, SensitivityCommand.class,
                AllocateCommand.class, TradeoffCommand.class, BenchAllocatorCommand.class, OptimizeCommand.class,
                ServeCommand.class, DemoCommand.class, BenchFleetCommand.class, BenchLatencyModelCommand.class, PkiCommand.class, TokenCommand.class,
                CommandLine.HelpCommand.class})
public final class SigmaQuantCli {
    /** Exit status for bad input (the same picocli uses for usage errors). */
    public static final int EXIT_BAD_INPUT = ParameterErrorLine.EXIT_BAD_INPUT;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SigmaQuantCli());
        // the service's settings may come from SIGMAQUANT_* variables (containers); the one-shot commands take flags
        cli.getSubcommands().get("serve").setDefaultValueProvider(new EnvironmentDefaults(System::getenv));
        cli.setParameterExceptionHandler(new ParameterErrorLine("sigmaquant"));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserInputException || ex instanceof ProfileException || ex instanceof TlsFileException) {
                // budgets are named by the flags that set them here, by the resource elsewhere
                String message = ex instanceof InfeasibleBudgetException i ? i.naming(AllocationOptions::flag)
                        : ex.getMessage();
                PrintWriter err = commandLine.getErr();
                err.println("sigmaquant: " + message.lines().findFirst().orElse("bad input"));
                err.flush();
                return EXIT_BAD_INPUT;
            }
            throw ex;
        });
        return cli;
    }
}
