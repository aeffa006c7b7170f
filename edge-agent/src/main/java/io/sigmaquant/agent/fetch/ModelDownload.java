package io.sigmaquant.agent.fetch;

import io.sigmaquant.protocol.message.JobError;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One model's body, written to its part file as the HTTP client delivers it, hashed on the way, refused as soon
 * as it passes the declared size or the agent's limit. Nothing here blocks a thread on the network: the caller
 * waits on {@link #getBody()} with its own deadline and calls {@link #abort()} when it gives up, so a connection
 * that stalls mid-body (half-open) cannot hold the job past its deadline. Completes with the SHA-256 in hex, or
 * exceptionally with a {@link FetchException}.
 */
final class ModelDownload implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> sha = new CompletableFuture<>();
    private final Path part;
    private final long declared;
    private final long maxBytes;
    private final MessageDigest digest = ModelFetcher.sha256();
    private Flow.Subscription subscription;
    private FileChannel out;
    private long total;
    /** Set when the response was refused on its status: the body is not read at all. */
    private final FetchException refusal;

    ModelDownload(Path part, long declared, long maxBytes) {
        this(part, declared, maxBytes, null);
    }

    private ModelDownload(Path part, long declared, long maxBytes, FetchException refusal) {
        this.part = part;
        this.declared = declared;
        this.maxBytes = maxBytes;
        this.refusal = refusal;
    }

    /** A body that is not read: the exchange ends with {@code refusal}. */
    static ModelDownload refused(FetchException refusal) {
        return new ModelDownload(null, 0, 0, refusal);
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (refusal != null) {
            fail(refusal);
            return;
        }
        try {
            out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            fail(new FetchException(JobError.Codes.DOWNLOAD_FAILED, "cannot store the model: " + e.getMessage()));
            return;
        }
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (sha.isDone()) {
            return; // aborted or refused; the client may still deliver what it had
        }
        try {
            for (ByteBuffer b : buffers) {
                total += b.remaining();
                if (total > maxBytes) {
                    throw new FetchException(JobError.Codes.SIZE_LIMIT, "download passed the agent's limit of "
                            + maxBytes + " bytes");
                }
                if (total > declared) {
                    throw new FetchException(JobError.Codes.SIZE_MISMATCH, "download is larger than the "
                            + declared + " bytes the job announced");
                }
                digest.update(b.duplicate());
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        } catch (FetchException e) {
            fail(e);
            return;
        } catch (IOException e) {
            fail(new FetchException(JobError.Codes.DOWNLOAD_FAILED, "cannot store the model: " + e.getMessage()));
            return;
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable t) {
        fail(new FetchException(JobError.Codes.DOWNLOAD_FAILED, "model download failed: " + t));
    }

    @Override
    public synchronized void onComplete() {
        if (sha.isDone()) {
            return;
        }
        close();
        if (total != declared) {
            sha.completeExceptionally(new FetchException(JobError.Codes.SIZE_MISMATCH, "downloaded " + total
                    + " bytes; the job announced " + declared));
        } else {
            sha.complete(HexFormat.of().formatHex(digest.digest()));
        }
    }

    @Override
    public CompletionStage<String> getBody() {
        return sha;
    }

    /** Stops reading (deadline, cancel): the connection is let go and the part file closed. */
    synchronized void abort() {
        fail(new FetchException(JobError.Codes.DOWNLOAD_FAILED, "download aborted"));
    }

    private void fail(FetchException e) {
        if (subscription != null) {
            subscription.cancel();
        }
        close();
        sha.completeExceptionally(e);
    }

    private void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // the part file is deleted by the fetcher
        }
    }
}
