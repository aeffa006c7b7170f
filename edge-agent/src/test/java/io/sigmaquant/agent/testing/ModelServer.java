package io.sigmaquant.agent.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on a free loopback port that serves models by path, as the controller's store will. */
public final class ModelServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    public ModelServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = files.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves {@code bytes} at {@code /models/<name>} and returns the URL. */
    public String serve(String name, byte[] bytes) {
        files.put("/models/" + name, bytes);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name;
    }

    /** A model served here: its bytes and URL. */
    public record Served(byte[] bytes, String url) {
    }

    /** Serves a fixture model of examples/models under its name. */
    public Served serveFixture(String name) {
        try {
            byte[] bytes = Files.readAllBytes(Fixtures.model(name));
            return new Served(bytes, serve(name, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String serveFile(String name, Path file) {
        try {
            return serve(name, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int requests() {
        return requests.get();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
