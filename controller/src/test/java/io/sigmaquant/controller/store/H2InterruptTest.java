package io.sigmaquant.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.run.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled run's thread is interrupted, maybe in the middle of a write: the embedded store must stay open for
 * every other run. With a plain H2 file, an interrupt during a write closed the file channel and H2 closed the
 * database ("The database has been closed") until the controller restarted.
 */
class H2InterruptTest {
    @TempDir
    Path dir;

    @Test
    void store_writeFromAnInterruptedThread_leavesItOpenForOthers() throws Exception {
        try (RunStore store = RunStore.open(RunStore.embeddedUrl(dir), "sa", "")) {
            store.createRun("before", "m.onnx", "x86-64-generic", Map.of(), RunStatus.QUEUED);
            // as a cancelled run's thread does: its interrupt flag set again, it records its end
            Thread cancelled = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    store.setStatus("before", RunStatus.RUNNING, null);
                    store.createRun("while-interrupted", "m.onnx", "x86-64-generic", Map.of(), RunStatus.QUEUED);
                } catch (RuntimeException e) {
                    // that thread's own write may fail: what matters is the store for every other run
                }
            });
            cancelled.start();
            cancelled.join();

            store.createRun("after", "m.onnx", "x86-64-generic", Map.of(), RunStatus.QUEUED);
            assertThat(store.run("after")).map(RunStore.StoredRun::status).contains(RunStatus.QUEUED);
            assertThat(store.run("before")).isPresent();
        }
    }
}
