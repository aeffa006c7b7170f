package io.sigmaquant.controller.service;

import io.sigmaquant.controller.limits.TokenBuckets;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (its token, else its address) on run submission: {@code burst} submissions at once,
 * then one every {@code 60 / perMinute} seconds; past that a 429 with {@code Retry-After}. A run costs minutes
 * of a board's time, so a client that submits faster than that is a mistake or an attack.
 */
final class SubmissionRateLimit implements Handler<RoutingContext> {
    private final TokenBuckets buckets;

    SubmissionRateLimit(int perMinute, int burst, LongSupplier nanoClock) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("perMinute and burst must be at least 1: " + perMinute + ", " + burst);
        }
        this.buckets = new TokenBuckets(perMinute, burst, nanoClock);
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
        return buckets.take(client);
    }
}
