package io.sigmaquant.controller.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key: {@code burst} at once, then {@code perMinute} a minute. A class of its own rather
 * than a library: bucket4j is not among the project's dependencies, and this is all of it. Its memory is bounded:
 * past {@link #MAX_KEYS} keys (a client inventing addresses), full — idle — buckets are dropped.
 */
public final class TokenBuckets {
    public static final int MAX_KEYS = 10_000;

    private record Bucket(double tokens, long atNanos) {
    }

    private final double perNano;
    private final int burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param nanoClock a monotonic clock ({@code System::nanoTime}; tests move their own) */
    public TokenBuckets(double perMinute, int burst, LongSupplier nanoClock) {
        if (perMinute <= 0 || burst < 1) {
            throw new IllegalArgumentException("the rate and the burst must be positive: " + perMinute + ", " + burst);
        }
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.clock = nanoClock;
    }

    /** Takes one token of the key's bucket; returns 0 when there was one, else the whole seconds until there is. */
    public long take(String key) {
        long now = clock.getAsLong();
        if (buckets.size() > MAX_KEYS) {
            buckets.values().removeIf(b -> refilled(b, now) >= burst);
        }
        long[] wait = {0};
        buckets.compute(key, (k, b) -> {
            double tokens = b == null ? burst : refilled(b, now);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            wait[0] = Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
            return new Bucket(tokens, now);
        });
        return wait[0];
    }

    private double refilled(Bucket b, long now) {
        return Math.min(burst, b.tokens() + (now - b.atNanos()) * perNano);
    }
}
