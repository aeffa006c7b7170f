package io.sigmaquant.controller.service;

import io.sigmaquant.controller.auth.ApiRole;
import io.sigmaquant.controller.auth.BearerToken;
import io.sigmaquant.controller.auth.TokenSecrets;
import io.sigmaquant.controller.store.ApiTokens;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Bearer-token access to the API: no or an unknown token is a 401 with {@code WWW-Authenticate: Bearer}, a
 * viewer's request that changes something a 403. It runs before the body is read, so that nothing is uploaded
 * for a request that will be refused. When tokens are not required (a loopback-only service without TLS) every
 * request passes, as the operator.
 */
final class ApiAccess implements Handler<RoutingContext> {
    /** The key under which the request's client (a token's digest, or the remote address) is kept. */
    static final String CLIENT = "sigmaquant.client";

    private final Vertx vertx;
    private final ApiTokens tokens;
    private final boolean required;

    ApiAccess(Vertx vertx, ApiTokens tokens, boolean required) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.required = required;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String token = BearerToken.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (!required) {
            ctx.put(CLIENT, remote(ctx)); // an unchecked token would let a client pick a fresh rate-limit bucket
            ctx.next();
            return;
        }
        if (token == null) {
            unauthorized(ctx, "this API needs a token: send 'Authorization: Bearer <token>' (sigmaquant token create "
                    + "--role viewer|operator)");
            return;
        }
        // the store is JDBC: looked up off the event loop, with the body held back until the body handler takes it
        ctx.request().pause();
        vertx.executeBlocking(() -> tokens.role(token), false).onComplete(r -> {
            Optional<ApiRole> role = r.succeeded() ? r.result() : Optional.empty();
            if (role.isEmpty() || !role.get().mayChange() && changes(ctx)) {
                ctx.request().resume(); // a refused body is read and dropped, so that the connection can be reused
            }
            if (role.isEmpty()) {
                unauthorized(ctx, r.succeeded() ? "unknown or revoked token" : "the token could not be checked");
            } else if (!role.get().mayChange() && changes(ctx)) {
                ApiResponses.error(ctx, 403, "a " + role.get().wire() + " token may only read; "
                        + ctx.request().method() + " " + ctx.request().path() + " needs an operator token");
            } else {
                ctx.put(CLIENT, TokenSecrets.digest(token));
                ctx.next();
            }
        });
    }

    private static boolean changes(RoutingContext ctx) {
        return ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
    }

    private static void unauthorized(RoutingContext ctx, String why) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"sigmaquant\"");
        ApiResponses.error(ctx, 401, why);
    }

    private static String remote(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    }
}
