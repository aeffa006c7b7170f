package io.sigmaquant.controller.run;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One computation per key at a time: the first caller of a key computes on its own thread, callers that arrive
 * meanwhile wait for that result instead of computing it again. Nothing is kept once the computation ends — a
 * failure reaches the callers that waited for it and the next caller tries again; keeping successes is the
 * caller's cache's business. A computation whose own caller was interrupted (a cancelled run) is not a failure of
 * the value: a waiting caller then computes it itself.
 */
public final class SingleFlight<K, V> {
    private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @return the value {@code compute} gave, on this thread or on the one computing the same key already
     * @throws InterruptedException when this caller is interrupted while it waits or computes
     */
    public V get(K key, Supplier<V> compute) throws InterruptedException {
        while (true) {
            CompletableFuture<V> mine = new CompletableFuture<>();
            CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
            if (running == null) {
                return lead(key, mine, compute);
            }
            waiting.incrementAndGet();
            try {
                return running.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof LeaderInterrupted)) {
                    throw rethrow(e.getCause());
                }
                // its leader was interrupted: try again, likely leading this time
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    private V lead(K key, CompletableFuture<V> mine, Supplier<V> compute) throws InterruptedException {
        try {
            V value = compute.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            boolean interrupted = Thread.currentThread().isInterrupted();
            mine.completeExceptionally(interrupted ? new LeaderInterrupted() : e);
            if (interrupted) {
                throw (InterruptedException) new InterruptedException("interrupted while computing " + key)
                        .initCause(e);
            }
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Callers waiting for another's computation now (for tests and metrics). */
    public int waiting() {
        return waiting.get();
    }

    /** Keys being computed now (for tests and metrics). */
    public int inFlight() {
        return inFlight.size();
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }

    /** Why a waiting caller should compute itself: the computing caller was interrupted, not the value bad. */
    private static final class LeaderInterrupted extends RuntimeException {
        LeaderInterrupted() {
            super(null, null, false, false);
        }
    }
}
