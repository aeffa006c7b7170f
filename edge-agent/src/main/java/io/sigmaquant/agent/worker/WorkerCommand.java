package io.sigmaquant.agent.worker;

import io.sigmaquant.agent.measure.OrtNatives;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line that starts a worker: an optional launcher prefix, this JVM's java binary and class path, and
 * the agent's settings.
 */
public final class WorkerCommand {
    /**
     * JVM options for the worker. The serial collector keeps its GC to the measuring thread instead of a pool
     * of threads competing with ONNX Runtime's on a small board.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xshare:auto");
    /**
     * Properties passed on, so the worker extracts ONNX Runtime's natives where the agent was told to, or loads
     * them from the folder of {@code --ort-native-path}, and starts its own processes the way the agent does (FORK
     * under user-mode emulation, where the default posix_spawn execs the runtime's foreign-architecture
     * jspawnhelper, which the kernel cannot run).
     */
    private static final List<String> INHERITED = List.of("java.io.tmpdir", OrtNatives.NATIVE_PATH_PROPERTY,
            "jdk.lang.Process.launchMechanism");

    private WorkerCommand() {
    }

    /**
     * What the worker needs to build its measurer, as {@code --name value} pairs on its command line.
     *
     * @param executionProvider the provider the agent chose at start ({@code OrtProviders.choose}): the worker loads
     *                          the same ONNX Runtime, so it uses that one without choosing again
     */
    public record Settings(String agentId, String profile, String energy, Path sysfsRoot, Path workDir,
                           ExecutionProvider executionProvider) {
        List<String> toArgs() {
            return List.of("--agent-id", agentId, "--profile", profile, "--energy", energy,
                    "--sysfs-root", sysfsRoot.toString(), "--work-dir", workDir.toString(),
                    "--execution-provider", executionProvider.id());
        }

        static Settings parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                m.put(args[i], args[i + 1]);
            }
            return new Settings(m.get("--agent-id"), m.get("--profile"), m.get("--energy"),
                    Path.of(m.get("--sysfs-root")), Path.of(m.get("--work-dir")),
                    ExecutionProvider.of(m.get("--execution-provider")));
        }
    }

    /** {@code java -cp <this class path> <main> <settings>}, with the same java binary as this process. */
    public static List<String> of(Settings settings, Class<?> main) {
        return of(List.of(), settings, main);
    }

    /**
     * The same, after a launcher prefix: {@code taskset -c 3} pins the worker to a core; under user-mode
     * emulation ({@code qemu-aarch64-static -L ROOT}) the emulator must start the worker's foreign-architecture
     * java binary, which the kernel cannot execute by itself without a binfmt registration.
     */
    public static List<String> of(List<String> launcher, Settings settings, Class<?> main) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        cmd.addAll(JVM_OPTIONS);
        for (String p : INHERITED) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(settings.toArgs());
        return cmd;
    }
}
