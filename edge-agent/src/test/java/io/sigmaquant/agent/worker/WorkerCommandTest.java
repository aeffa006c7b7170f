package io.sigmaquant.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Verifies that a worker is told the agent's settings, the execution provider among them, and that its command line
 * starts with the launcher the agent was given, and only then java.
 */
class WorkerCommandTest {
    private static final WorkerCommand.Settings SETTINGS = new WorkerCommand.Settings("a", "raspberry-pi-5",
            "estimate", Path.of("/"), Path.of("/tmp/w"), ExecutionProvider.CPU);

    @Test
    void settings_throughTheCommandLine_comeBackEqual() {
        WorkerCommand.Settings s = new WorkerCommand.Settings("jetson-1", "jetson-orin-nano", "jetson-ina3221",
                Path.of("/"), Path.of("/var/cache/sigmaquant"), ExecutionProvider.TENSORRT);
        assertThat(WorkerCommand.Settings.parse(s.toArgs().toArray(String[]::new))).isEqualTo(s);
    }

    @Test
    void of_settings_endsWithTheMainAndTheProvider() {
        List<String> cmd = WorkerCommand.of(new WorkerCommand.Settings("a", "x86-64-generic", "estimate", Path.of("/"),
                Path.of("/tmp"), ExecutionProvider.CUDA), WorkerMain.class);
        assertThat(cmd).containsSubsequence(WorkerMain.class.getName(), "--execution-provider", "cuda");
    }

    @Test
    void of_withALauncher_putsItBeforeThisJvmsJavaBinary() {
        List<String> launcher = new AgentOptions("tcp://b:1883", "a", "raspberry-pi-5")
                .setWorkerLauncher("  qemu-aarch64-static   -L /roots/arm64 ").workerLauncher();

        List<String> cmd = WorkerCommand.of(launcher, SETTINGS, WorkerMain.class);

        assertThat(cmd.subList(0, 3)).containsExactly("qemu-aarch64-static", "-L", "/roots/arm64");
        assertThat(cmd.subList(3, cmd.size())).isEqualTo(WorkerCommand.of(SETTINGS, WorkerMain.class));
        assertThat(Path.of(cmd.get(3)).getFileName()).hasToString("java");
    }

    @Test
    void setWorkerLauncher_blank_leavesNoPrefix() {
        AgentOptions options = new AgentOptions("tcp://b:1883", "a", "raspberry-pi-5").setWorkerLauncher(" ");

        assertThat(options.workerLauncher()).isEqualTo(AgentOptions.DEFAULT_WORKER_LAUNCHER).isEmpty();
        assertThat(new AgentOptions(options.setWorkerLauncher("taskset -c 3")).workerLauncher())
                .containsExactly("taskset", "-c", "3");
    }
}
