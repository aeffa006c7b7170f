package io.sigmaquant.controller.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: an H2 file under a data directory; reopening it is a controller restart. */
class H2RunStoreTest extends RunStoreContract {
    @TempDir
    Path dir;

    @Override
    String url() {
        return RunStore.embeddedUrl(dir);
    }

    @Override
    String user() {
        return "sa";
    }
}
