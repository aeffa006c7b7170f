package io.sigmaquant.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.fleet.DispatchLog;
import io.sigmaquant.controller.run.RunStatus;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The dispatcher's log of issued attempts in the store's {@code dispatched_attempts} table. */
public final class DispatchedAttempts implements DispatchLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;

    DispatchedAttempts(Database db) {
        this.db = db;
    }

    @Override
    public void issued(IssuedAttempt a) {
        String bits;
        try {
            bits = JSON.writeValueAsString(a.bits());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the bits of " + a.jobId(), e);
        }
        db.transaction("recording dispatch " + a.jobId() + "#" + a.attempt(), c -> {
            try (var s = c.prepareStatement("INSERT INTO dispatched_attempts (job_id, attempt, agent_id, run_id, "
                    + "bits_json, sent_at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                Database.bind(s, a.jobId(), a.attempt(), a.agentId(), a.runId(), bits, System.currentTimeMillis());
                return s.executeUpdate() == 1;
            }
        }, false); // there already: a try before lost its commit's acknowledgement
    }

    @Override
    public List<IssuedAttempt> attempts(String jobId) {
        return db.query("SELECT job_id, attempt, agent_id, run_id, bits_json FROM dispatched_attempts WHERE job_id = ?",
                rs -> new IssuedAttempt(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        bits(rs.getString(5))), jobId);
    }

    @Override
    public List<SentTo> issuedSince(long sentSinceMs, int limit) {
        return db.query("SELECT job_id, attempt, agent_id FROM dispatched_attempts WHERE sent_at_ms >= ? "
                + "ORDER BY sent_at_ms DESC LIMIT ?", rs -> new SentTo(rs.getString(1), rs.getInt(2), rs.getString(3)),
                sentSinceMs, limit);
    }

    @Override
    public void failed(String jobId, int attempt, String reason) {
        db.update("UPDATE dispatched_attempts SET failure = ?, failed_at_ms = ? WHERE job_id = ? AND attempt = ?",
                reason, System.currentTimeMillis(), jobId, attempt);
    }

    @Override
    public Map<Integer, String> failures(String jobId) {
        Map<Integer, String> failures = new TreeMap<>();
        db.query("SELECT attempt, failure FROM dispatched_attempts WHERE job_id = ? AND failure IS NOT NULL",
                rs -> Map.entry(rs.getInt(1), rs.getString(2)), jobId).forEach(e -> failures.put(e.getKey(),
                e.getValue()));
        return failures;
    }

    /**
     * One attempt of a run as the API shows it: where it went, when, and why it was given up (null: answered, or
     * still out).
     */
    public record RunAttempt(String jobId, int attempt, String agentId, long sentAtMs, String failure) {
    }

    /** A run's attempts, oldest first. */
    public List<RunAttempt> ofRun(String runId) {
        return db.query("SELECT job_id, attempt, agent_id, sent_at_ms, failure FROM dispatched_attempts "
                + "WHERE run_id = ? ORDER BY sent_at_ms, job_id, attempt", rs -> new RunAttempt(rs.getString(1),
                rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getString(5)), runId);
    }

    /** An attempt sent to an agent and not yet answered nor given up, of a run that has not ended. */
    public record OutstandingAttempt(String agentId, String runId, String jobId, int attempt, long sentAtMs) {
    }

    /**
     * The attempts agents hold now as this log knows them, oldest first: an agent measures one at a time, so its
     * oldest is the one it measures and the others wait in its queue. Attempts of ended runs are left out: a
     * cancelled run's agents drop its jobs without an answer.
     */
    public List<OutstandingAttempt> outstanding() {
        return db.query("SELECT d.agent_id, d.run_id, d.job_id, d.attempt, d.sent_at_ms FROM dispatched_attempts d "
                + "JOIN runs r ON r.id = d.run_id WHERE d.failure IS NULL AND r.status IN (?, ?) AND NOT EXISTS "
                + "(SELECT 1 FROM measurements m WHERE m.job_id = d.job_id AND m.attempt = d.attempt) "
                + "ORDER BY d.sent_at_ms, d.job_id, d.attempt", rs -> new OutstandingAttempt(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)), RunStatus.QUEUED.wire(),
                RunStatus.RUNNING.wire());
    }

    private static LinkedHashMap<String, Integer> bits(String json) throws SQLException {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable bit configuration", e);
        }
    }
}
