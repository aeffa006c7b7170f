package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.StallingServer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a download stalled mid-body (a half-open connection) ends when the job's deadline or cancel
 * says so, instead of blocking the agent for good (issue 13 review). The class timeout only guards against a
 * hang; nothing here measures time.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ModelFetcherStallTest {
    private final byte[] model = "pretend these are ONNX bytes".repeat(40_000).getBytes();
    private final StallingServer server = new StallingServer(model);

    @TempDir
    Path cacheDir;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fetch_serverStallsMidBody_endsWhenStopTurnsTrueAndCachesNothing() {
        ModelCache cache = new ModelCache(cacheDir, 16 << 20);
        ModelRef ref = new ModelRef(server.url("m"), ModelServer.sha256(model), model.length);
        // stop once part of the body is on disk: the agent is then inside the body, where it used to block
        assertThatThrownBy(() -> new ModelFetcher(cache, 16 << 20).fetch(ref, this::partlyWritten))
                .isInstanceOf(FetchException.class).extracting(e -> ((FetchException) e).code())
                .isEqualTo(JobError.Codes.DEADLINE_EXCEEDED);
        assertThat(cache.allFiles()).as("no model, no part file").isEmpty();
    }

    private boolean partlyWritten() {
        try (var files = Files.list(cacheDir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".part") && size(p) > 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0; // deleted meanwhile
        }
    }
}
