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
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AgentCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof ProfileException
                    || ex instanceof io.sigmaquant.agent.measure.ModelLoadException || ex instanceof TlsFileException) {
                PrintWriter err = commandLine.getErr();
                err.println("sigmaquant-agent: " + String.valueOf(ex.getMessage()).lines().findFirst().orElse("bad input"));
                err.flush();
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof org.eclipse.paho.mqttv5.common.MqttException) {
                // the broker down or unreachable: not bad input, so exit 1 and a service manager tries again
                PrintWriter err = commandLine.getErr();
                err.println("sigmaquant-agent: cannot connect to the broker: " + ex.getMessage()
                        + (ex.getCause() != null ? " (" + ex.getCause().getMessage() + ")" : ""));
                err.flush();
                return 1;
            }
            throw ex;
        });
        return cli;
    }
}
