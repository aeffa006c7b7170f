package io.sigmaquant.controller.service;

import io.sigmaquant.controller.files.JsonFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** How the API answers: JSON bodies, and refusals as {@code {"error": "<one line>"}}. */
final class ApiResponses {
    private ApiResponses() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Buffer.buffer(JsonFiles.bytes(body)));
    }

    static void error(RoutingContext ctx, int status, String message) {
        String line = message == null ? "error" : message.lines().findFirst().orElse("error");
        json(ctx, status, Map.of("error", line));
    }
}
