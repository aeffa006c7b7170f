package io.sigmaquant.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies that a worker is told the agent's settings, the execution provider among them. */
class WorkerCommandTest {
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
}
