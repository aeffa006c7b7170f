package io.sigmaquant.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.message.JobResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * Runs, measurements (with per-node times), loop iterations and calibrated cost models in SQL: an embedded
 * H2 file by default, PostgreSQL when given a {@code jdbc:postgresql:} URL. The schema is migrated by Flyway
 * on open. Every write is one transaction, so a crash leaves nothing half-written; measurements are keyed by
 * (job id, attempt), so a result that arrives twice is recorded once.
 */
public final class RunStore implements AutoCloseable {
    /** SQLState of a unique-key violation in both H2 and PostgreSQL. */
    private static final String DUPLICATE_KEY = "23505";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    private RunStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (and migrates) the store; {@code user}/{@code password} may be null for embedded H2. */
    public static RunStore open(String jdbcUrl, String user, String password) {
        try {
            Flyway.configure().dataSource(jdbcUrl, user, password).load().migrate();
            Connection c = DriverManager.getConnection(jdbcUrl, user, password);
            c.setAutoCommit(true);
            return new RunStore(c);
        } catch (SQLException | RuntimeException e) {
            throw new UserInputException("cannot open the store " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** The embedded default: {@code <dir>/sigmaquant} as an H2 file database. */
    public static String embeddedUrl(java.nio.file.Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("sigmaquant");
    }

    public void createRun(String id, String model, String deviceClass, Map<String, Double> budgets) {
        update("INSERT INTO runs (id, model, device_class, budgets_json, status, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                id, model, deviceClass, json(budgets), "running", System.currentTimeMillis());
    }

    public void finishRun(String id, boolean converged, String reason) {
        update("UPDATE runs SET status = ?, reason = ?, finished_at_ms = ? WHERE id = ?",
                converged ? "converged" : "not-converged", reason, System.currentTimeMillis(), id);
    }

    /** Records a result and its node times; returns false when that (job id, attempt) was recorded before. */
    public synchronized boolean recordMeasurement(String runId, Map<String, Integer> bits, JobResult r) {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement m = connection.prepareStatement("INSERT INTO measurements (job_id, attempt, run_id, "
                    + "agent_id, model_sha256, bits_json, median_ms, p90_ms, p99_ms, energy_mj, energy_meter, simulated, "
                    + "result_json, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement n = connection.prepareStatement("INSERT INTO node_times (job_id, attempt, seq, node, "
                         + "op, micros) VALUES (?, ?, ?, ?, ?, ?)")) {
                bind(m, r.jobId(), r.attempt(), runId, r.agentId(), r.modelSha256(), json(bits), r.latency().medianMs(),
                        r.latency().p90Ms(), r.latency().p99Ms(), r.energy().millijoulesPerInference(), r.energy().meter(),
                        r.simulated(), json(r), System.currentTimeMillis());
                m.executeUpdate();
                int seq = 0;
                for (JobResult.NodeTime t : r.nodes()) {
                    bind(n, r.jobId(), r.attempt(), seq++, t.node(), t.op() == null ? "" : t.op(), t.micros());
                    n.addBatch();
                }
                n.executeBatch();
                connection.commit();
                return true;
            } catch (SQLException e) {
                connection.rollback();
                if (DUPLICATE_KEY.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording measurement " + r.jobId() + "#" + r.attempt() + " failed", e);
        }
    }

    public void recordIteration(String runId, int index, String kind, double predictedMs, double measuredMs,
                                String jobId, int attempt) {
        update("INSERT INTO iterations (run_id, idx, kind, predicted_ms, measured_ms, job_id, attempt) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", runId, index, kind, predictedMs, measuredMs, jobId, attempt);
    }

    /** Saves a new version of a device class's calibrated cost model and returns its version. */
    public synchronized int saveCostModel(String deviceClass, Object model) {
        int version = query("SELECT COALESCE(MAX(version), 0) FROM cost_models WHERE device_class = ?",
                rs -> rs.getInt(1), deviceClass).get(0) + 1;
        update("INSERT INTO cost_models (device_class, version, model_json, created_at_ms) VALUES (?, ?, ?, ?)",
                deviceClass, version, json(model), System.currentTimeMillis());
        return version;
    }

    public Optional<String> latestCostModel(String deviceClass) {
        List<String> rows = query("SELECT model_json FROM cost_models WHERE device_class = ? ORDER BY version DESC",
                rs -> rs.getString(1), deviceClass);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** A stored run with what it measured. */
    public record StoredRun(String id, String deviceClass, String status, int measurements, int iterations) {
    }

    public Optional<StoredRun> run(String id) {
        List<StoredRun> rows = query("SELECT r.id, r.device_class, r.status, "
                + "(SELECT COUNT(*) FROM measurements m WHERE m.run_id = r.id), "
                + "(SELECT COUNT(*) FROM iterations i WHERE i.run_id = r.id) FROM runs r WHERE r.id = ?",
                rs -> new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5)), id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public int nodeTimes(String jobId, int attempt) {
        return query("SELECT COUNT(*) FROM node_times WHERE job_id = ? AND attempt = ?", rs -> rs.getInt(1), jobId,
                attempt).get(0);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the store failed", e);
        }
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private synchronized <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("store query failed: " + sql, e);
        }
    }

    private synchronized void update(String sql, Object... args) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            bind(s, args);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("store update failed: " + sql, e);
        }
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
