package io.sigmaquant.controller.artifacts;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /models/{sha256}}: agents fetch the artifacts of a {@link ModelStore} from here. A malformed id is
 * a 400, an unknown one a 404. Files are streamed by Vert.x off the event loop.
 */
public final class ModelDownloads {
    /** The route's path, with the id as parameter {@code sha}. */
    public static final String PATH = "/models/:sha";

    private ModelDownloads() {
    }

    public static Handler<RoutingContext> handler(ModelStore store) {
        return ctx -> {
            String sha = ctx.pathParam("sha");
            if (!ModelStore.isSha256(sha)) {
                ctx.response().setStatusCode(400).end("model id must be a SHA-256 (64 lower-case hex characters)\n");
                return;
            }
            store.get(sha).ifPresentOrElse(
                    file -> ctx.response().putHeader("Content-Type", "application/octet-stream").sendFile(file.toString()),
                    () -> ctx.response().setStatusCode(404).end("no model " + sha + "\n"));
        };
    }
}
