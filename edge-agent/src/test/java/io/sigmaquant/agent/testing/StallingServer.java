package io.sigmaquant.agent.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A real HTTP server that answers 200 with the full Content-Length, sends the first half of the body, and then
 * stalls — as a half-open connection does — until {@link #close}. The stall is a latch on the server side, not
 * a sleep, so the test decides when (and whether) the rest would come: here it never does.
 */
public final class StallingServer implements AutoCloseable {
    private final HttpServer server;
    private final CountDownLatch halfSent = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    public StallingServer(byte[] body) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            halfSent.countDown();
            try {
                release.await(); // the test hook: the rest of the body never comes while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name;
    }

    /** Waits until the first half of the body has been sent. */
    public void awaitHalfSent() throws InterruptedException {
        halfSent.await();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
