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

/**
 * Downloads a job's model over HTTP into the cache, checking the size limit before and during the
 * transfer and the size and SHA-256 after it; a model that fails a check never enters the cache.
 */
public final class ModelFetcher {
    private final ModelCache cache;
    private final long maxBytes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public ModelFetcher(ModelCache cache, long maxBytes) {
        this.cache = cache;
        this.maxBytes = maxBytes;
    }

    public Path fetch(MeasurementJob.ModelRef ref) {
        var cached = cache.get(ref.sha256());
        if (cached.isPresent()) {
            return cached.get();
        }
        if (ref.sizeBytes() > maxBytes) {
            throw new FetchException(JobError.Codes.SIZE_LIMIT, "model of " + ref.sizeBytes() + " bytes exceeds the "
                    + "agent's limit of " + maxBytes + " bytes");
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
            if (response.statusCode() != 200) {
                throw new FetchException(JobError.Codes.DOWNLOAD_FAILED, "HTTP " + response.statusCode() + " for "
                        + ref.url());
            }
            MessageDigest digest = sha256();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
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
