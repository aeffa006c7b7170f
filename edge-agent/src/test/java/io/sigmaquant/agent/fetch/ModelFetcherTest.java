package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob.ModelRef;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads over real HTTP; every failed check leaves the cache as it was. */
class ModelFetcherTest {
    private final ModelServer server = new ModelServer();
    private final byte[] model = "pretend these are ONNX bytes".repeat(100).getBytes();
    private final String sha = ModelServer.sha256(model);

    @TempDir
    Path cacheDir;

    @AfterEach
    void stop() {
        server.close();
    }

    private ModelCache cache() {
        return new ModelCache(cacheDir, 1 << 20);
    }

    @Test
    void fetch_goodModel_isCachedAndServedFromCacheTheSecondTime() {
        ModelCache cache = cache();
        ModelFetcher fetcher = new ModelFetcher(cache, 1 << 20);
        ModelRef ref = new ModelRef(server.serve("m", model), sha, model.length);
        Path first = fetcher.fetch(ref);
        Path second = fetcher.fetch(ref);
        assertThat(first).isEqualTo(second).hasBinaryContent(model);
        assertThat(server.requests()).isEqualTo(1);
        assertThat(cache.entries()).containsExactly(sha);
    }

    @Test
    void fetch_shaMismatch_isRefusedAndNothingIsCached() {
        String other = ModelServer.sha256("other".getBytes());
        assertFailure(new ModelRef(server.serve("m", model), other, model.length), JobError.Codes.CHECKSUM_MISMATCH);
    }

    @Test
    void fetch_modelAboveTheLimit_isRefusedBeforeDownloading() {
        ModelFetcher small = new ModelFetcher(cache(), 100);
        assertThatThrownBy(() -> small.fetch(new ModelRef(server.serve("m", model), sha, model.length)))
                .isInstanceOf(FetchException.class).extracting(e -> ((FetchException) e).code())
                .isEqualTo(JobError.Codes.SIZE_LIMIT);
        assertThat(server.requests()).isZero();
    }

    @Test
    void fetch_serverSendsMoreThanAnnounced_isRefused() {
        assertFailure(new ModelRef(server.serve("m", model), sha, model.length - 10), JobError.Codes.SIZE_MISMATCH);
    }

    @Test
    void fetch_unreachableUrl_isADownloadFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertFailure(new ModelRef("http://127.0.0.1:" + closedPort + "/models/m", sha, model.length),
                JobError.Codes.DOWNLOAD_FAILED);
    }

    @Test
    void fetch_missingModel_reportsTheHttpStatus() {
        String url = server.serve("m", model).replace("/m", "/nothing");
        assertThatThrownBy(() -> new ModelFetcher(cache(), 1 << 20).fetch(new ModelRef(url, sha, model.length)))
                .isInstanceOf(FetchException.class).hasMessageContaining("404");
    }

    @Test
    void cache_pastItsCap_evictsTheLeastRecentlyUsed() throws Exception {
        ModelCache cache = new ModelCache(cacheDir, 2 * model.length + 10);
        ModelFetcher fetcher = new ModelFetcher(cache, 1 << 20);
        String[] shas = new String[3];
        for (int i = 0; i < 3; i++) {
            byte[] bytes = model.clone();
            bytes[0] = (byte) ('a' + i);
            shas[i] = ModelServer.sha256(bytes);
            fetcher.fetch(new ModelRef(server.serve("m" + i, bytes), shas[i], bytes.length));
            Thread.sleep(20);
        }
        assertThat(cache.entries()).containsExactlyInAnyOrder(shas[1], shas[2]);
    }

    private void assertFailure(ModelRef ref, String code) {
        ModelCache cache = cache();
        assertThatThrownBy(() -> new ModelFetcher(cache, 1 << 20).fetch(ref)).isInstanceOf(FetchException.class)
                .extracting(e -> ((FetchException) e).code()).isEqualTo(code);
        assertThat(cache.allFiles()).as("nothing left in the cache").isEmpty();
        assertThat(Files.exists(cacheDir)).isTrue();
    }
}
