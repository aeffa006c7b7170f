package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob.ModelRef;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads over real HTTP; every failed check leaves the cache as it was. Models come only from the trusted
 * origin, never through a redirect, and a cache hit is checked against the job like a download (issue 13).
 */
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

    private static String codeOf(Runnable r) {
        try {
            r.run();
        } catch (FetchException e) {
            return e.code();
        }
        throw new AssertionError("expected a FetchException");
    }

    @Test
    void fetch_urlOnAnotherOrigin_isRefusedWithoutARequest() {
        String url = server.serve("m", model);
        ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20,
                ModelOrigins.of("http://127.0.0.1:1"), null);
        assertThat(codeOf(() -> fetcher.fetch(new ModelRef(url, sha, model.length))))
                .isEqualTo(JobError.Codes.UNTRUSTED_URL);
        assertThat(server.requests()).isZero();
    }

    @Test
    void fetch_cacheHitWithTheWrongDeclaredSize_isRefused() {
        ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
        String url = server.serve("m", model);
        fetcher.fetch(new ModelRef(url, sha, model.length));
        assertThat(codeOf(() -> fetcher.fetch(new ModelRef(url, sha, model.length + 1))))
                .isEqualTo(JobError.Codes.SIZE_MISMATCH);
    }

    @Test
    void fetch_cacheHitFromAnUntrustedUrl_isRefused() {
        ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
        fetcher.fetch(new ModelRef(server.serve("m", model), sha, model.length));
        assertThat(codeOf(() -> fetcher.fetch(new ModelRef("http://10.1.2.3/models/m", sha, model.length))))
                .isEqualTo(JobError.Codes.UNTRUSTED_URL);
    }

    @Test
    void fetch_cachedFileChangedOnDisk_isDownloadedAgain() throws Exception {
        ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
        ModelRef ref = new ModelRef(server.serve("m", model), sha, model.length);
        Path cached = fetcher.fetch(ref);
        byte[] tampered = model.clone();
        tampered[0] ^= 1;
        Files.write(cached, tampered);
        assertThat(fetcher.fetch(ref)).hasBinaryContent(model);
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void fetch_repeatedCacheHits_areNotHashedAgainUntilTheFileChanges() throws Exception {
        ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
        ModelRef ref = new ModelRef(server.serve("m", model), sha, model.length);
        Path cached = fetcher.fetch(ref);
        fetcher.fetch(ref);
        fetcher.fetch(ref);
        assertThat(fetcher.hashes).as("hits of a file verified when it was downloaded").hasValue(0);

        Files.write(cached, model); // same bytes, but written: the stamp no longer holds
        fetcher.fetch(ref);
        fetcher.fetch(ref);
        assertThat(fetcher.hashes).as("hashed once after the write, then trusted again").hasValue(1);
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void fetch_cacheHitAfterARestart_isHashedOnce() {
        ModelRef ref = new ModelRef(server.serve("m", model), sha, model.length);
        new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20).fetch(ref);
        ModelFetcher restarted = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
        restarted.fetch(ref);
        restarted.fetch(ref);
        assertThat(restarted.hashes).hasValue(1);
    }

    @Test
    void fetch_redirect_isRefused() throws Exception {
        HttpServer redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        redirecting.createContext("/", ex -> {
            ex.getResponseHeaders().add("Location", server.serve("m", model));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        redirecting.start();
        try {
            String url = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/models/m";
            ModelFetcher fetcher = new ModelFetcher(new ModelCache(cacheDir, 1 << 20), 1 << 20);
            assertThat(codeOf(() -> fetcher.fetch(new ModelRef(url, sha, model.length))))
                    .isEqualTo(JobError.Codes.UNTRUSTED_URL);
            assertThat(server.requests()).isZero();
        } finally {
            redirecting.stop(0);
        }
    }
}
