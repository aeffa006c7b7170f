package io.sigmaquant.controller.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code sigmaquant serve} as a real process (the built controller jar), for restart and crash tests. */
public final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final int httpPort;

    private ServeProcess(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * Starts the service on a free HTTP port and waits until its API answers: the port accepts connections a
     * moment before the API is mounted (then every path is "Resource not found"), so it waits for /health.
     */
    public static ServeProcess start(Path dataDir, Path log, String... extraArgs) throws Exception {
        Path jar;
        try (var files = Files.list(Fixtures.repoRoot().resolve("controller/target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("sigmaquant-controller-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("build the controller first (mvn package)"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar.toString(), "serve", "--data-dir",
                dataDir.toString(), "--http-port", Integer.toString(port), "--http-host", "127.0.0.1"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long until = System.currentTimeMillis() + 60_000;
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.currentTimeMillis() < until) {
            if (!p.isAlive()) {
                throw new IOException("serve exited with " + p.exitValue() + "; see " + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new ServeProcess(p, port);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IOException("serve did not listen on " + port + " within 60 s; see " + log);
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** SIGKILL: no shutdown hook runs, as in a crash or a power cut. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: an orderly stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
