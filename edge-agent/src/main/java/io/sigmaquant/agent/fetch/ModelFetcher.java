package io.sigmaquant.agent.fetch;

import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import javax.net.ssl.SSLContext;

/**
 * Downloads a job's model over HTTP(S) into the cache, only from the trusted {@link ModelOrigin} and never
 * following a redirect, checking the size limit before and during the transfer (reading stops past the declared
 * size) and the size and SHA-256 after it; a model that fails a check never enters the cache. A cached model is
 * checked against the job the same way (URL, size, SHA-256 of the file) before it is used.
 */
public final class ModelFetcher {
    private final ModelCache cache;
    private final long maxBytes;
    private final ModelOrigin origin;
    private final HttpClient http;

    /** Loopback origins only, the JVM's default TLS trust (tests, the one-machine demo). */
    public ModelFetcher(ModelCache cache, long maxBytes) {
        this(cache, maxBytes, ModelOrigin.LOOPBACK, null);
    }

    /**
     * @param origin     where models may come from ({@link ModelOrigin#LOOPBACK} when no controller URL is known)
     * @param sslContext verifies the controller's HTTPS certificate (the installation's CA); null = JVM default
     */
    public ModelFetcher(ModelCache cache, long maxBytes, ModelOrigin origin, SSLContext sslContext) {
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

    public Path fetch(MeasurementJob.ModelRef ref) {
        origin.check(ref.url());
        if (ref.sizeBytes() > maxBytes) {
            throw new FetchException(JobError.Codes.SIZE_LIMIT, "model of " + ref.sizeBytes() + " bytes exceeds the "
                    + "agent's limit of " + maxBytes + " bytes");
        }
        var cached = cache.get(ref.sha256());
        if (cached.isPresent()) {
            return checkedHit(cached.get(), ref);
        }
        Path part = null;
        try {
            part = cache.partFile(ref.sha256());
            String sha = download(ref, part);
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
     * wrong hash means the file changed on disk (dropped, downloaded again).
     */
    private Path checkedHit(Path file, MeasurementJob.ModelRef ref) {
        try {
            long size = Files.size(file);
            if (size != ref.sizeBytes()) {
                throw new FetchException(JobError.Codes.SIZE_MISMATCH, "the cached model " + ref.sha256() + " has "
                        + size + " bytes; the job announced " + ref.sizeBytes());
            }
            if (hash(file).equals(ref.sha256())) {
                return file;
            }
        } catch (IOException e) {
            // unreadable: drop it and download again
        }
        cache.remove(ref.sha256());
        return fetch(ref);
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

    private String download(MeasurementJob.ModelRef ref, Path part) throws IOException {
        HttpResponse<InputStream> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(ref.url())).timeout(Duration.ofSeconds(60)).GET().build();
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model URL unreachable: " + ref.url());
        } catch (HttpTimeoutException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model download timed out: " + ref.url());
        } catch (IllegalArgumentException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "bad model URL " + ref.url() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "interrupted");
        } catch (IOException e) {
            throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model download failed: " + e.getMessage());
        }
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
            if (response.statusCode() / 100 == 3) {
                throw new FetchException(JobError.Codes.UNTRUSTED_URL, "HTTP " + response.statusCode() + " redirect "
                        + "for " + ref.url() + " refused: models come from the trusted origin only");
            }
            if (response.statusCode() != 200) {
                throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "HTTP " + response.statusCode() + " for "
                        + ref.url());
            }
            MessageDigest digest = sha256();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            // never read more than one byte past the declared size: enough to tell that it is larger
            for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, ref.sizeBytes() + 1 - total))) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new FetchException(JobError.Codes.SIZE_LIMIT, "download passed the agent's limit of "
                            + maxBytes + " bytes");
                }
                if (total > ref.sizeBytes()) {
                    throw new FetchException(JobError.Codes.SIZE_MISMATCH, "download is larger than the "
                            + ref.sizeBytes() + " bytes the job announced");
                }
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            if (total != ref.sizeBytes()) {
                throw new FetchException(JobError.Codes.SIZE_MISMATCH, "downloaded " + total + " bytes; the job "
                        + "announced " + ref.sizeBytes());
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
