package io.sigmaquant.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.run.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller killed with SIGKILL right after recording keeps what it recorded in the embedded store: a child JVM
 * writes runs and halts at once (no shutdown hook, no close, as a kill), and the store reopened here has them. With
 * H2's default write delay the child's commits were still in memory and the reopened database was empty.
 */
class H2KillTest {
    @TempDir
    Path dir;

    @Test
    void store_processHaltedRightAfterCommits_keepsEveryCommittedRun() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HaltingWriter.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(out).isEqualTo(HaltingWriter.HALTED);

        try (RunStore store = RunStore.open(RunStore.embeddedUrl(dir), "sa", "")) {
            for (int i = 0; i < HaltingWriter.RUNS; i++) {
                RunStatus expected = i == HaltingWriter.RUNS - 1 ? RunStatus.RUNNING : RunStatus.QUEUED;
                assertThat(store.run("run-" + i)).as("run-" + i).map(RunStore.StoredRun::status).contains(expected);
            }
        }
    }

    /** Opens the store in {@code args[0]}, records runs and halts the JVM without closing anything. */
    public static final class HaltingWriter {
        static final int RUNS = 5;
        static final int HALTED = 77;

        public static void main(String[] args) {
            RunStore store = RunStore.open(RunStore.embeddedUrl(Path.of(args[0])), "sa", "");
            for (int i = 0; i < RUNS; i++) {
                store.createRun("run-" + i, "m.onnx", "x86-64-generic", Map.of(), RunStatus.QUEUED);
            }
            store.setStatus("run-" + (RUNS - 1), RunStatus.RUNNING, null);
            Runtime.getRuntime().halt(HALTED);
        }
    }
}
