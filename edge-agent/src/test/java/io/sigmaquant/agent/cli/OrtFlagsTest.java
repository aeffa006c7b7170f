package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Verifies that bad ONNX Runtime flags stop {@code run} and {@code bench} with one line and exit status 2. */
class OrtFlagsTest {
    @TempDir
    Path tmp;

    private record Outcome(int exit, String err) {
    }

    private static Outcome execute(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = AgentCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Outcome(exit, err.toString());
    }

    /** {@code run} with a broker that is never reached: the flags are refused before anything connects. */
    private static String[] run(String... flags) {
        List<String> args = new ArrayList<>(List.of("run", "--broker", "tcp://127.0.0.1:1", "--id", "jetson-1",
                "--profile", "jetson-orin-nano"));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    /** The help says the default as a user types it, from its one home in AgentOptions. */
    @Test
    void runHelp_executionProviderDefault_isTheValueNotAConstantName() {
        String help = AgentCli.commandLine().getSubcommands().get("run").getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");

        assertThat(help).contains("warns (default: cpu)").doesNotContain("DEFAULT_EXECUTION_PROVIDER");
    }

    @Test
    void run_unknownExecutionProvider_isOneLineAndExit2() {
        Outcome o = execute(run("--execution-provider", "foo"));
        assertThat(o.exit()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
        assertThat(o.err()).isEqualTo("sigmaquant-agent: unknown execution provider 'foo'; choose one of cpu, cuda, "
                + "tensorrt" + System.lineSeparator());
    }

    @Test
    void run_missingOrtNativePath_isOneLineAndExit2() {
        Path dir = tmp.resolve("no-such-build");
        Outcome o = execute(run("--execution-provider", "tensorrt", "--ort-native-path", dir.toString()));
        assertThat(o.exit()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
        assertThat(o.err()).isEqualTo("sigmaquant-agent: --ort-native-path " + dir + ": no such directory"
                + System.lineSeparator());
    }

    @Test
    void run_ortNativePathWithoutLibraries_namesTheLibraryInOneLine() {
        Outcome o = execute(run("--ort-native-path", tmp.toString()));
        assertThat(o.exit()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
        assertThat(o.err().lines()).singleElement().asString()
                .startsWith("sigmaquant-agent: --ort-native-path " + tmp + " holds no libonnxruntime.so");
    }

    @Test
    void bench_unknownExecutionProvider_isOneLineAndExit2() {
        Outcome o = execute("bench", Fixtures.model("resnet").toString(), "--execution-provider", "TensorRT");
        assertThat(o.exit()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
        assertThat(o.err().lines()).containsExactly(
                "sigmaquant-agent: unknown execution provider 'TensorRT'; choose one of cpu, cuda, tensorrt");
    }
}
