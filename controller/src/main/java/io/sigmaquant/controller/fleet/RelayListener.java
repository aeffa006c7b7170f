package io.sigmaquant.controller.fleet;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that asks the {@link ReplyRelay}, whenever it hears that another replica recorded or relayed a reply
 * (and at least every {@link #POLL_MS} in case a notification was missed), for the final replies of the attempts
 * waiting here, and hands them to the dispatcher.
 */
public final class RelayListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayListener.class);
    /** The backstop when no notification comes (a database restart loses those sent meanwhile). */
    static final long POLL_MS = 1000;

    private final ReplyRelay relay;
    private final JobDispatcher dispatcher;
    private final Thread thread;
    private volatile boolean closed;

    public RelayListener(ReplyRelay relay, JobDispatcher dispatcher) {
        this.relay = relay;
        this.dispatcher = dispatcher;
        this.thread = new Thread(this::listen, "sigmaquant-relayed-replies");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        while (!closed) {
            try {
                relay.awaitNews(POLL_MS);
                Set<String> waiting = dispatcher.waitingJobIds();
                if (!waiting.isEmpty()) {
                    relay.finalReplies(waiting).forEach(dispatcher::onRelayed);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("reading replies relayed by other replicas: {}", e.getMessage());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
