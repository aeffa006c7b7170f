package io.sigmaquant.controller.artifacts;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the model store over HTTP at {@code GET /models/{sha256}} (Vert.x); agents fetch artifacts from here.
 * A malformed id is a 400, an unknown one a 404. Files are streamed by Vert.x off the event loop.
 */
public final class ModelHttpServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;

    private ModelHttpServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static ModelHttpServer start(ModelStore store, String host, int port) {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/models/:sha").handler(handler(store));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(port, host)
                .await();
        return new ModelHttpServer(vertx, server);
    }

    /** {@code GET /models/:sha}, for any router (the service mounts it on its own). */
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

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        server.close().await();
        vertx.close().await();
    }
}
