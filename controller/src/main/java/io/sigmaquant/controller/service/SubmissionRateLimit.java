package io.sigmaquant.controller.service;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (its token, else its address) on run submission: {@code burst} submissions at once,
 * then one every {@code 60 / perMinute} seconds; past that a 429 with {@code Retry-After}. A run costs minutes
 * of a board's time, so a client that submits faster than that is a mistake or an attack. A class of its own
 * rather than a library: bucket4j is not among the project's dependencies, and this is all of it.
 */
final class SubmissionRateLimit implements Handler<RoutingContext> {
    /** Bounds the memory a client inventing addresses can take; full (idle) buckets are dropped past it. */
    static final int MAX_CLIENTS = 10_000;

    private record Bucket(double tokens, long atNanos) {
    }

    private final double perNano;
    private final int burst;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    SubmissionRateLimit(int perMinute, int burst, LongSupplier nanoClock) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("perMinute and burst must be at least 1: " + perMinute + ", " + burst);
        }
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.clock = nanoClock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String client = ctx.get(ApiAccess.CLIENT);
        long waitSeconds = take(client == null ? "unknown" : client);
        if (waitSeconds == 0) {
            ctx.next();
            return;
        }
        // ApiAccess paused the request for its token check: read and drop the body, or a client still sending it
        // never reads the 429 and the connection cannot be reused
        ctx.request().resume();
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(waitSeconds));
        ApiResponses.error(ctx, 429, "too many run submissions from this client; try again in " + waitSeconds + " s");
    }

    /** Takes one submission; returns 0 when allowed, else the whole seconds until one is. */
    long take(String client) {
        long now = clock.getAsLong();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> refilled(b, now) >= burst);
        }
        long[] wait = {0};
        buckets.compute(client, (k, b) -> {
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
