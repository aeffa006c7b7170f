package io.sigmaquant.controller.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/** The HTTP client of a {@code sigmaquant serve} API: submits runs, reads their status, downloads results. */
public final class RunClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 429s waited out before the refusal is reported: with the server's 6 a minute, about half a minute. */
    static final int MAX_RETRIES = 3;
    /** A longer Retry-After is reported at once rather than waited through in silence. */
    static final long MAX_RETRY_WAIT_SECONDS = 60;

    private final URI base;
    private final String token;
    private final HttpClient http;

    public RunClient(String serverUrl) {
        this(serverUrl, null, null);
    }

    /**
     * @param token a bearer token for a secured service (sigmaquant token create), or null
     * @param tls   what verifies an https server (the installation's CA), or null for the JVM's default trust
     */
    public RunClient(String serverUrl, String token, SSLContext tls) {
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        this.http = (tls == null ? b : b.sslContext(tls)).build();
        try {
            URI u = URI.create(serverUrl.endsWith("/") ? serverUrl : serverUrl + "/");
            if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            this.base = u;
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--server must be an http(s) URL such as http://host:8080, not '" + serverUrl
                    + "'");
        }
    }

    /**
     * Uploads the model, the request and the calibration files as one multipart request.
     *
     * @param data calibration-split files to upload (may be empty)
     * @return the new run's id
     */
    public String submit(RunRequest request, Path model, Map<String, Path> data) throws IOException, InterruptedException {
        return submit(JSON.writeValueAsBytes(request), model, data);
    }

    /** {@link #submit(RunRequest, Path, Map)} with the request as JSON text, as another client would send it. */
    public String submit(byte[] requestJson, Path model, Map<String, Path> data) throws IOException, InterruptedException {
        String boundary = "sigmaquant-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "request", null, "application/json", requestJson);
        part(body, boundary, "model", model.getFileName().toString(), "application/octet-stream",
                Files.readAllBytes(model));
        for (Map.Entry<String, Path> f : data.entrySet()) {
            part(body, boundary, "data", f.getKey(), "application/octet-stream", Files.readAllBytes(f.getValue()));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest req = request("api/runs")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return send(req).get("run").get("id").asText();
    }

    /** The run and its iterations so far ({@code GET /api/runs/{id}}). */
    public JsonNode status(String runId) throws IOException, InterruptedException {
        return send(request("api/runs/" + runId).GET().build());
    }

    /** Every run the service holds, newest first ({@code GET /api/runs}): id, status, reason, ... */
    public JsonNode runs() throws IOException, InterruptedException {
        return send(request("api/runs").GET().build());
    }

    /** Every agent the service has seen, online or not ({@code GET /api/agents}). */
    public JsonNode agents() throws IOException, InterruptedException {
        return send(request("api/agents").GET().build());
    }

    /** Asks the service to stop a run ({@code POST /api/runs/{id}/cancel}). */
    public void cancel(String runId) throws IOException, InterruptedException {
        send(request("api/runs/" + runId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The service's Prometheus text ({@code GET /metrics}). */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<byte[]> r = call(request("metrics").GET().build());
        check(r);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * Polls the run until it has ended and its results are written, handing each new iteration to
     * {@code onIteration} once; returns the final status.
     */
    public JsonNode follow(String runId, java.util.function.Consumer<JsonNode> onIteration, long pollMs)
            throws IOException, InterruptedException {
        java.util.Set<Integer> shown = new java.util.HashSet<>();
        while (true) {
            JsonNode status = status(runId);
            for (JsonNode it : status.get("iterations")) {
                if (shown.add(it.get("index").asInt())) {
                    onIteration.accept(it);
                }
            }
            RunStatus state = RunStatus.fromWire(status.get("run").get("status").asText());
            if (state.finished() && (status.get("resultsReady").asBoolean() || state == RunStatus.FAILED)) {
                return status;
            }
            Thread.sleep(pollMs);
        }
    }

    /**
     * Downloads whatever results the run has into {@code dir}: model.onnx, cost-model.json, benchmark.json,
     * layers.json, report.html, report.json.
     */
    public void downloadAll(String runId, Path dir) throws IOException, InterruptedException {
        for (String[] f : new String[][] {{"model", "model.onnx"}, {"cost-model", "cost-model.json"},
                {"benchmark", "benchmark.json"}, {"layers", "layers.json"}, {"report-html", "report.html"},
                {"report", "report.json"}}) {
            download(runId, f[0], dir.resolve(f[1]));
        }
    }

    /**
     * Downloads one result ({@code report}, {@code model}, {@code cost-model}, {@code benchmark}) into a file;
     * returns false when the run has none (404).
     */
    public boolean download(String runId, String what, Path target) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = call(request("api/runs/" + runId + "/" + what).GET()
                .build());
        if (r.statusCode() == 404) {
            return false;
        }
        check(r);
        AtomicFile.write(target, r.body());
        return true;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = call(req);
        check(r);
        return JSON.readTree(r.body());
    }

    /** Sends, waiting out a 429's {@code Retry-After} a few times: a script queuing runs slows down, not fails. */
    private HttpResponse<byte[]> call(HttpRequest req) throws IOException, InterruptedException {
        for (int retry = 0; ; retry++) {
            HttpResponse<byte[]> r = callOnce(req);
            long wait = r.statusCode() == 429 ? retryAfterSeconds(r) : -1;
            if (wait < 0 || retry == MAX_RETRIES) {
                return r;
            }
            Thread.sleep(wait * 1000);
        }
    }

    /** The 429's wait in seconds, or -1 when it names none or one too long to wait through quietly. */
    private static long retryAfterSeconds(HttpResponse<byte[]> r) {
        try {
            long s = Long.parseLong(r.headers().firstValue("Retry-After").orElse("-1").strip());
            return s <= MAX_RETRY_WAIT_SECONDS ? s : -1;
        } catch (NumberFormatException e) {
            return -1; // an HTTP date: not sent by our server; the 429 is reported as it is
        }
    }

    private HttpResponse<byte[]> callOnce(HttpRequest req) throws IOException, InterruptedException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new UserInputException("cannot reach the server at " + base + ": connection refused");
        }
    }

    private static void check(HttpResponse<byte[]> r) throws IOException {
        if (r.statusCode() >= 400) {
            String message;
            try {
                JsonNode n = JSON.readTree(r.body());
                message = n.has("error") ? n.get("error").asText() : new String(r.body(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                message = new String(r.body(), StandardCharsets.UTF_8);
            }
            if (r.statusCode() < 500) {
                throw new UserInputException("the server refused: " + message);
            }
            throw new IOException("the server failed (" + r.statusCode() + "): " + message);
        }
    }

    private static void part(ByteArrayOutputStream body, String boundary, String name, String fileName, String type,
                             byte[] content) throws IOException {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (fileName != null) {
            h.append("; filename=\"").append(fileName.replace("\"", "")).append('"');
        }
        h.append("\r\nContent-Type: ").append(type).append("\r\n\r\n");
        body.write(h.toString().getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The calibration split of a data folder (as {@code DataDirectory} finds it: {@code calib-*}, else
     * {@code train-*}), under the names the server expects ({@code calib-*}, keeping {@code .gz}).
     */
    public static Map<String, Path> calibrationFiles(Path dataDir) {
        DataDirectory.SplitFiles f = DataDirectory.files(dataDir, DataDirectory.Split.CALIB);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(uploadName(f.images(), "calib-images-idx3-ubyte"), f.images());
        files.put(uploadName(f.labels(), "calib-labels-idx1-ubyte"), f.labels());
        return files;
    }

    private static String uploadName(Path file, String base) {
        return file.getFileName().toString().endsWith(".gz") ? base + ".gz" : base;
    }
}
