package io.sigmaquant.agent.fetch;

import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * Downloads a job's model over HTTP(S) into the cache, only from the trusted {@link ModelOrigins} and never
 * following a redirect, checking the size limit before and during the transfer (reading stops past the declared
 * size) and the size and SHA-256 after it; a model that fails a check never enters the cache. A cached model is
 * checked against the job the same way (URL, size, SHA-256 of the file) before it is used.
 */
public final class ModelFetcher {
    private final ModelCache cache;
    private final long maxBytes;
    private final ModelOrigins origin;
    private final HttpClient http;
    /** How often a download checks the job's deadline and cancel: far below any deadline. */
    static final long POLL_MS = 100;
    /** Cached files hashed again (tests). */
    final AtomicInteger hashes = new AtomicInteger();

    /** Loopback origins only, the JVM's default TLS trust (tests, the one-machine demo). */
    public ModelFetcher(ModelCache cache, long maxBytes) {
        this(cache, maxBytes, ModelOrigins.LOOPBACK, null);
    }

    /**
     * @param origin     where models may come from ({@link ModelOrigins#LOOPBACK} when no controller URL is known)
     * @param sslContext verifies the controller's HTTPS certificate (the installation's CA); null = JVM default
     */
    public ModelFetcher(ModelCache cache, long maxBytes, ModelOrigins origin, SSLContext sslContext) {
        this.cache = cache;
        this.maxBytes = maxBytes;
        this.origin = origin;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER); // a redirect could lead off the trusted origin
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
        this.http = b.build();
    }

    /** Fetches without a deadline (tests, tools); a job's fetch passes its deadline-or-cancel check. */
    public Path fetch(MeasurementJob.ModelRef ref) {
        return fetch(ref, () -> false);
    }

    /**
     * @param stop polled while downloading; true ends the download with {@code deadline-exceeded} (the job's
     *             reply says {@code cancelled} when a cancel was the cause)
     */
    public Path fetch(MeasurementJob.ModelRef ref, BooleanSupplier stop) {
        origin.check(ref.url());
        if (ref.sizeBytes() > maxBytes) {
            throw new FetchException(JobError.Codes.SIZE_LIMIT, "model of " + ref.sizeBytes() + " bytes exceeds the "
                    + "agent's limit of " + maxBytes + " bytes");
        }
        var cached = cache.get(ref.sha256());
        if (cached.isPresent()) {
            return checkedHit(cached.get(), ref, stop);
        }
        Path part = null;
        try {
            part = cache.partFile(ref.sha256());
            String sha = download(ref, part, stop);
            if (!sha.equals(ref.sha256())) {
                throw new FetchException(JobError.Codes.CHECKSUM_MISMATCH, "model SHA-256 is " + sha
                        + " but the job says " + ref.sha256());
            }
            Path admitted = cache.admit(part, ref.sha256());
            part = null;
            return admitted;
        } catch (IOException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "cannot store the model: " + e.getMessage());
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // the cache removes dot files at the next start
                }
            }
        }
    }

    /**
     * A cache hit must be what the job describes: a wrong size is the job's mistake (refused, the file kept); a
     * wrong hash means the file changed on disk (dropped, downloaded again). A file unchanged since its hash was
     * checked is not hashed again.
     */
    private Path checkedHit(ModelCache.Hit hit, MeasurementJob.ModelRef ref, BooleanSupplier stop) {
        Path file = hit.file();
        try {
            long size = Files.size(file);
            if (size != ref.sizeBytes()) {
                throw new FetchException(JobError.Codes.SIZE_MISMATCH, "the cached model " + ref.sha256() + " has "
                        + size + " bytes; the job announced " + ref.sizeBytes());
            }
            if (hit.verified()) {
                return file;
            }
            hashes.incrementAndGet();
            if (hash(file).equals(ref.sha256())) {
                cache.verified(ref.sha256(), hit);
                return file;
            }
        } catch (IOException e) {
            // unreadable: drop it and download again
        }
        cache.remove(ref.sha256());
        return fetch(ref, stop);
    }

    private static String hash(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Streams the body into {@code part} without blocking on the network, waiting for it at most until
     * {@code stop} turns true (the job's deadline or its cancel): a server that sends the headers and then
     * stalls mid-body cannot hold the agent past the deadline (issue 13 review; the request timeout covers the
     * headers only).
     */
    private String download(MeasurementJob.ModelRef ref, Path part, BooleanSupplier stop) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(ref.url())).timeout(Duration.ofSeconds(60)).GET().build();
        } catch (IllegalArgumentException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "bad model URL " + ref.url() + ": " + e.getMessage());
        }
        AtomicReference<ModelDownload> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(request, info -> {
            FetchException refusal = refusal(info.statusCode(), ref.url());
            body.set(refusal != null ? ModelDownload.refused(refusal)
                    : new ModelDownload(part, ref.sizeBytes(), maxBytes));
            return body.get();
        });
        try {
            return await(response, stop, ref.url()).body();
        } finally {
            ModelDownload d = body.get();
            if (d != null) {
                d.abort(); // a no-op once complete; else the connection is let go and the part file closed
            }
            response.cancel(true);
        }
    }

    /** Why a response is refused on its status alone (its body then is not read), or null for 200. */
    private static FetchException refusal(int status, String url) {
        if (status / 100 == 3) {
            return new FetchException(JobError.Codes.UNTRUSTED_URL, "HTTP " + status + " redirect for " + url
                    + " refused: models come from the trusted origin only");
        }
        return status == 200 ? null : new FetchException(JobError.Codes.DOWNLOAD_FAILED, "HTTP " + status + " for "
                + url);
    }

    private static <T> T await(CompletableFuture<T> future, BooleanSupplier stop, String url) {
        try {
            while (true) {
                if (stop.getAsBoolean()) {
                    throw new FetchException(JobError.Codes.DEADLINE_EXCEEDED, "the job's deadline passed (or it was "
                            + "cancelled) while downloading " + url);
                }
                try {
                    return future.get(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still downloading: check the deadline again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "interrupted");
        } catch (ExecutionException e) {
            throw failure(e.getCause(), url);
        }
    }

    private static FetchException failure(Throwable cause, String url) {
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof FetchException f) {
            return f;
        }
        if (cause instanceof ConnectException) {
            return new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model URL unreachable: " + url);
        }
        if (cause instanceof HttpTimeoutException) {
            return new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model download timed out: " + url);
        }
        return new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model download failed: " + cause);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
