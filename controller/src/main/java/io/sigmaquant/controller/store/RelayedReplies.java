package io.sigmaquant.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.fleet.ReplyRelay;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's side of {@link ReplyRelay}: results are read from {@code measurements} (whichever replica received
 * one recorded it there), errors from {@code relayed_errors}. On PostgreSQL every such write is followed by a
 * {@code NOTIFY} on {@link #CHANNEL}, which a waiting replica {@code LISTEN}s to on a connection of its own, so that
 * it asks at once rather than on its next poll; H2 (one controller) has nothing to relay and only sleeps.
 */
public final class RelayedReplies implements ReplyRelay, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedReplies.class);
    /** PostgreSQL's notification channel for "a final reply was recorded or relayed". */
    static final String CHANNEL = "sigmaquant_replies";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final MessageCodec codec = new MessageCodec();
    /** Used by the one thread that waits for news; reopened when it breaks. */
    private Connection listening;

    RelayedReplies(Database db) {
        this.db = db;
    }

    @Override
    public void relayError(JobError e) {
        db.transaction("relaying error " + e.jobId() + "#" + e.attempt(), c -> {
            try (var s = c.prepareStatement("INSERT INTO relayed_errors (job_id, attempt, agent_id, reply_json, "
                    + "received_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                Database.bind(s, e.jobId(), e.attempt(), e.agentId(),
                        new String(codec.encode(e), StandardCharsets.UTF_8), System.currentTimeMillis());
                s.executeUpdate();
            }
            notify(c);
            return true;
        }, false); // relayed before: QoS 1 redelivered it
    }

    /** Tells listening replicas, on commit, that a reply was recorded or relayed in this transaction. */
    void notify(Connection c) throws SQLException {
        if (db.notifies()) {
            try (Statement s = c.createStatement()) {
                s.execute("NOTIFY " + CHANNEL);
            }
        }
    }

    @Override
    public List<Message> finalReplies(Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", Collections.nCopies(jobIds.size(), "?"));
        Object[] args = jobIds.toArray();
        List<Message> out = new ArrayList<>(db.query("SELECT result_json FROM measurements WHERE job_id IN (" + marks
                + ")", rs -> {
                    try {
                        return JSON.readValue(rs.getString(1), JobResult.class);
                    } catch (JsonProcessingException e) {
                        throw new SQLException("unreadable stored result", e);
                    }
                }, args));
        out.addAll(db.query("SELECT reply_json FROM relayed_errors WHERE job_id IN (" + marks + ")",
                rs -> codec.decode(rs.getString(1).getBytes(StandardCharsets.UTF_8)), args));
        return out;
    }

    @Override
    public void awaitNews(long timeoutMs) throws InterruptedException {
        if (!db.notifies()) {
            Thread.sleep(timeoutMs);
            return;
        }
        try {
            if (listening == null) {
                listening = db.dedicatedConnection();
                try (Statement s = listening.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
            }
            listening.unwrap(PGConnection.class).getNotifications((int) timeoutMs);
        } catch (SQLException e) {
            // the database restarting: poll until it is back, then listen again
            LOG.debug("listening for relayed replies: {}", e.getMessage());
            close();
            Thread.sleep(timeoutMs);
        }
    }

    @Override
    public void close() {
        if (listening != null) {
            try {
                listening.close();
            } catch (SQLException e) {
                // gone already
            }
            listening = null;
        }
    }
}
