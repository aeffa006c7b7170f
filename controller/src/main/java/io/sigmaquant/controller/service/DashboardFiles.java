package io.sigmaquant.controller.service;

import io.sigmaquant.controller.files.JarResources;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's static files ({@code /} and {@code /dashboard/*}): its page, scripts and style from the jar, and
 * ECharts from its WebJar — nothing from the internet. All are read and gzipped once at start-up, so that the event
 * loop never touches the jar; a browser that accepts gzip gets the gzipped bytes (ECharts: 650 KB, 215 KB gzipped).
 */
final class DashboardFiles implements Handler<RoutingContext> {
    /** One file, plain and gzipped. */
    record File(String contentType, Buffer plain, Buffer gzipped) {
    }

    private final Map<String, File> files;

    DashboardFiles() {
        files = Map.of(
                "/", file("dashboard/index.html", "text/html; charset=utf-8"),
                "/dashboard/dashboard.css", file("dashboard/dashboard.css", "text/css; charset=utf-8"),
                "/dashboard/api.js", file("dashboard/api.js", "text/javascript; charset=utf-8"),
                "/dashboard/charts.js", file("dashboard/charts.js", "text/javascript; charset=utf-8"),
                "/dashboard/pages.js", file("dashboard/pages.js", "text/javascript; charset=utf-8"),
                "/dashboard/echarts.min.js", file(JarResources.ECHARTS, "text/javascript; charset=utf-8"));
    }

    /** A file of the dashboard by its path, e.g. {@code /dashboard/charts.js}; null for none. */
    File get(String path) {
        return files.get(path);
    }

    @Override
    public void handle(RoutingContext ctx) {
        File f = files.get(ctx.request().path());
        if (f == null) {
            ctx.next();
            return;
        }
        String accepts = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
        boolean gzip = accepts != null && accepts.contains("gzip");
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, f.contentType()).putHeader(HttpHeaders.VARY, "Accept-Encoding");
        if (gzip) {
            ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        ctx.response().end(gzip ? f.gzipped() : f.plain());
    }

    private static File file(String resource, String contentType) {
        byte[] bytes = JarResources.read(resource);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 3);
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new File(contentType, Buffer.buffer(bytes), Buffer.buffer(zipped.toByteArray()));
    }
}
