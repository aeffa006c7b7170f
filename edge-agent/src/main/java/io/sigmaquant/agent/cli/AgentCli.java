package io.sigmaquant.agent.cli;

import io.sigmaquant.profiles.ProfileException;
import io.sigmaquant.protocol.tls.TlsFileException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sigmaquant-agent} command line. */
@Command(name = "sigmaquant-agent", mixinStandardHelpOptions = true, version = "sigmaquant-agent 0.1.0",
        description = "Measures candidate models on this board for the SigmaQuant controller.",
        subcommands = {RunCommand.class, BenchCommand.class, WorkerBenchCommand.class,
                CommandLine.HelpCommand.class})
public final class AgentCli {
    public static final int EXIT_BAD_INPUT = ParameterErrorLine.EXIT_BAD_INPUT;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AgentCli());
        // the agent's settings may come from SIGMAQUANT_* variables (containers, service units); a flag wins
        cli.getSubcommands().get("run").setDefaultValueProvider(new EnvironmentDefaults(System::getenv));
        cli.setParameterExceptionHandler(new ParameterErrorLine("sigmaquant-agent"));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof ProfileException
                    || ex instanceof io.sigmaquant.agent.measure.ModelLoadException || ex instanceof TlsFileException) {
                PrintWriter err = commandLine.getErr();
                err.println("sigmaquant-agent: " + String.valueOf(ex.getMessage()).lines().findFirst().orElse("bad input"));
                err.flush();
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof io.sigmaquant.agent.mqtt.BrokerUnreachableException) {
                // not bad input: exit 1, so that a service manager tries again
                PrintWriter err = commandLine.getErr();
                err.println("sigmaquant-agent: " + ex.getMessage());
                err.flush();
                return 1;
            }
            throw ex;
        });
        return cli;
    }
}
