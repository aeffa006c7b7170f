package io.sigmaquant.controller.service;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.files.JarResources;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.controller.run.LayerSummary;
import io.sigmaquant.controller.run.ReportHtml;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.run.RunTradeoff;
import io.sigmaquant.controller.run.TimeProfile;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.controller.wiring.ControllerParts;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooLongFormFieldException;
import io.sigmaquant.profiles.DeviceProfiles;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP API (documented in {@code /openapi.yaml}): agents, runs, their results and artifacts,
 * Prometheus metrics, the event stream {@code /api/events}, and a dashboard over the API at {@code /} ({@code
 * /dashboard/*}: runs with their charts, the fleet, a run started or cancelled); the model store's downloads are
 * mounted beside it by {@code ControllerParts}. Refused requests get a 4xx and {@code {"error": "..."}};
 * blocking work (the store, model checks) runs off the event loop.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Largest upload accepted: a model plus calibration images. */
    public static final long BODY_LIMIT_BYTES = 512L * 1024 * 1024;

    private final Vertx vertx;
    private final RunManager runs;
    private final FleetRegistry fleet;
    private final ControllerMetrics metrics;
    private final ControllerOptions options;
    /** Read once at start-up, so that the event loop never touches the jar. */
    private final DashboardFiles dashboard = new DashboardFiles();
    private final Buffer openApi = Buffer.buffer(JarResources.read("openapi.yaml"));

    public HttpApi(Vertx vertx, RunManager runs, FleetRegistry fleet, ControllerMetrics metrics,
                   ControllerOptions options) {
        this.vertx = vertx;
        this.runs = runs;
        this.fleet = fleet;
        this.metrics = metrics;
        this.options = options;
    }

    public Router router(Path uploadsDir) {
        Router router = Router.router(vertx);
        // before every other route, and before any body is read: /api and /metrics need a token when secured
        ApiAccess access = new ApiAccess(vertx, runs.store().tokens(), options.requireTokens());
        router.route("/api/*").handler(access);
        router.route("/metrics").handler(access);
        // /healthz: the name container orchestrators and compose health checks conventionally probe
        Handler<RoutingContext> health = ctx -> json(ctx, 200, Map.of("status", "ok"));
        router.get("/health").handler(health);
        router.get("/healthz").handler(health);
        router.get("/").handler(dashboard);
        router.get("/dashboard/*").handler(dashboard);
        router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
                .end(openApi));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/api/agents").handler(ctx -> json(ctx, 200, fleet.all()));
        router.get("/api/events").handler(new LiveEvents(vertx).listenTo(runs.store(), fleet));
        router.get("/api/device-classes").handler(ctx -> json(ctx, 200, DeviceProfiles.BUNDLED));
        // the fleet page's: what each agent holds, and each class's calibration
        router.get("/api/agents/attempts").handler(ctx -> blocking(ctx, 200, () -> runs.store().dispatches().outstanding()));
        router.get("/api/device-classes/cost-models").handler(ctx -> blocking(ctx, 200,
                () -> runs.store().costModels().latestPerClass()));
        // a route of its own: Vert.x wants the body handler first on a route
        if (options.limitsSubmissions()) {
            router.post("/api/runs").handler(new SubmissionRateLimit(options.submissionsPerMinute(),
                    options.submissionBurst(), System::nanoTime));
        }
        router.post("/api/runs").handler(BodyHandler.create(uploadsDir.toString()).setBodyLimit(BODY_LIMIT_BYTES)
                .setDeleteUploadedFilesOnEnd(true)).handler(this::submit);
        router.get("/api/runs").handler(ctx -> blocking(ctx, 200, () -> runs.store().runs()));
        router.get("/api/runs/:id").handler(ctx -> blocking(ctx, 200, () -> status(ctx.pathParam("id"))));
        router.post("/api/runs/:id/cancel").handler(ctx -> blocking(ctx, 202, () -> {
            runs.cancel(ctx.pathParam("id"));
            return status(ctx.pathParam("id"));
        }));
        router.get("/api/runs/:id/attempts").handler(ctx -> blocking(ctx, 200, () -> {
            runs.require(ctx.pathParam("id")); // 404 for a run that does not exist
            return runs.store().dispatches().ofRun(ctx.pathParam("id"));
        }));
        router.get("/api/runs/:id/report").handler(ctx -> result(ctx, "report.json", "application/json"));
        router.get("/api/runs/:id/cost-model").handler(ctx -> result(ctx, "cost-model.json", "application/json"));
        router.get("/api/runs/:id/benchmark").handler(ctx -> result(ctx, "benchmark.json", "application/json"));
        router.get("/api/runs/:id/report-html").handler(ctx -> result(ctx, ReportHtml.FILE, "text/html; charset=utf-8"));
        router.get("/api/runs/:id/layers").handler(ctx -> result(ctx, LayerSummary.FILE, "application/json"));
        router.get("/api/runs/:id/profile").handler(ctx -> result(ctx, TimeProfile.FILE, "application/json"));
        router.get("/api/runs/:id/tradeoff").handler(ctx -> result(ctx, RunTradeoff.FILE, "application/json"));
        router.get("/api/runs/:id/model").handler(ctx -> result(ctx, "model.onnx", "application/octet-stream"));
        router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " "
                + ctx.request().path() + " (see /openapi.yaml)"));
        router.route().failureHandler(ctx -> {
            if (formFieldTooLarge(ctx.failure())) {
                error(ctx, 413, "a form field is larger than " + ControllerParts.MAX_FORM_FIELD_BYTES / 1024 + " KiB (the 'request' "
                        + "part is a small JSON object; send files as file parts)");
                return;
            }
            int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            String why = code == 413 ? "the upload is larger than " + BODY_LIMIT_BYTES / (1024 * 1024) + " MiB"
                    : ctx.failure() != null ? ctx.failure().getMessage() : "request failed";
            if (code == 500) {
                LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            error(ctx, code, why);
        });
        return router;
    }

    /**
     * Whether decoding a form failed on the server's form field limit: Netty reports it as a
     * {@link TooLongFormFieldException}, or, once the field is being buffered, as an IOException with this text
     * ({@code AbstractHttpData.checkSize}), which Vert.x answers with a 400.
     */
    private static boolean formFieldTooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TooLongFormFieldException || t instanceof IOException && t.getMessage() != null
                    && t.getMessage().startsWith("Size exceed allowed maximum capacity")) {
                return true;
            }
        }
        return false;
    }

    /** A run with its iterations so far. */
    public record RunDetails(RunStore.StoredRun run, List<RunStore.StoredIteration> iterations, boolean resultsReady) {
    }

    private RunDetails status(String id) {
        RunStore.StoredRun r = runs.require(id);
        return new RunDetails(r, runs.store().iterations(id), Files.exists(runs.outDir(id).resolve("report.json")));
    }

    private void submit(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.startsWith("multipart/form-data")) {
            error(ctx, 415, "POST /api/runs takes multipart/form-data: a 'model' file (ONNX), a 'request' field "
                    + "(JSON) and optional 'data' files (calibration IDX)");
            return;
        }
        List<FileUpload> uploads = ctx.fileUploads();
        blocking(ctx, 202, () -> {
            FileUpload model = uploads.stream().filter(u -> u.name().equals("model")).findFirst()
                    .orElseThrow(() -> new UserInputException("the 'model' part (an ONNX file) is missing"));
            byte[] requestJson = requestPart(ctx, uploads);
            RunRequest request = RunManager.parseRequest(requestJson);
            Map<String, Path> data = new LinkedHashMap<>();
            for (FileUpload u : uploads) {
                if (u.name().equals("data")) {
                    data.put(u.fileName(), Path.of(u.uploadedFileName()));
                } else if (!u.name().equals("model") && !u.name().equals("request")) {
                    throw new UserInputException("unexpected part '" + u.name() + "'; expected model, request, data");
                }
            }
            String name = model.fileName() == null || model.fileName().isBlank() ? "model.onnx"
                    : Path.of(model.fileName()).getFileName().toString();
            String id = runs.submit(request, name, Path.of(model.uploadedFileName()), data);
            ctx.response().putHeader(HttpHeaders.LOCATION, "/api/runs/" + id);
            return status(id);
        });
    }

    private static byte[] requestPart(RoutingContext ctx, List<FileUpload> uploads) throws IOException {
        String field = ctx.request().getFormAttribute("request");
        if (field != null) {
            return field.getBytes(StandardCharsets.UTF_8);
        }
        for (FileUpload u : uploads) {
            if (u.name().equals("request")) {
                // sent as a file the form field cap does not apply: checked here, before it is read into memory
                if (u.size() > ControllerParts.MAX_FORM_FIELD_BYTES) {
                    throw new ApiException(413, "the 'request' part is larger than "
                            + ControllerParts.MAX_FORM_FIELD_BYTES / 1024 + " KiB (it is a small JSON object)");
                }
                return Files.readAllBytes(Path.of(u.uploadedFileName()));
            }
        }
        throw new UserInputException("the 'request' part (JSON with deviceClass and budgets) is missing");
    }

    private void result(RoutingContext ctx, String file, String contentType) {
        String id = ctx.pathParam("id");
        vertx.executeBlocking(() -> {
            RunStore.StoredRun r = runs.require(id);
            Path p = runs.outDir(id).resolve(file);
            if (!Files.isRegularFile(p)) {
                if (r.status() == RunStatus.FAILED) {
                    throw ApiException.notFound("run " + id + " failed and has no results: " + r.reason());
                }
                if (!Files.exists(runs.outDir(id).resolve("report.json"))) {
                    throw ApiException.conflict("run " + id + " is " + r.status() + "; its results are written when "
                            + "it ends");
                }
                throw ApiException.notFound("run " + id + " has no " + file + (file.equals("model.onnx")
                        ? " (it did not converge: " + r.reason() + ")" : ""));
            }
            return p;
        }, false).onSuccess(p -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType).sendFile(p.toString()))
                .onFailure(e -> fail(ctx, e));
    }

    private <T> void blocking(RoutingContext ctx, int status, Callable<T> work) {
        // unordered: a status poll need not wait behind another request's model check
        vertx.executeBlocking(work, false).onSuccess(v -> json(ctx, status, v)).onFailure(e -> fail(ctx, e));
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof ApiException a) {
            error(ctx, a.status(), a.getMessage());
        } else if (e instanceof UserInputException) {
            error(ctx, 400, e.getMessage());
        } else {
            LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), e);
            error(ctx, 500, "internal error: " + e.getMessage());
        }
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ApiResponses.json(ctx, status, body);
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ApiResponses.error(ctx, status, message);
    }
}
