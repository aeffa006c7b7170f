package io.sigmaquant.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob.ModelRef;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the origin, redirect and cache-hit checks of downloads (issue 13), over real HTTP. */
class ModelFetcherChecksTest {
    private final ModelServer server = new ModelServer();
    private final byte[] model = "pretend these are ONNX bytes".repeat(100).getBytes();
    private final String sha = ModelServer.sha256(model);

    @TempDir
    Path cacheDir;

    @AfterEach
    void stop() {
        server.close();
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
                ModelOrigin.of("http://127.0.0.1:1"), null);
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
