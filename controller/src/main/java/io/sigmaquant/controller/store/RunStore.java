package io.sigmaquant.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.loop.BudgetVerdict;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.protocol.message.JobResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs, measurements (with per-node times), loop iterations and calibrated cost models in SQL: an embedded
 * H2 file by default, PostgreSQL when given a {@code jdbc:postgresql:} URL. The schema is migrated by Flyway
 * on open. Connections come from a pool and every write is one transaction, so a crash leaves nothing
 * half-written and a database restart costs a wait, not the run (see {@link Database}); measurements are
 * keyed by (job id, attempt), so a result that arrives twice is recorded once.
 */
public final class RunStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final DispatchedAttempts dispatches;
    private final CostModels costModels;
    private final ApiTokens tokens;
    private final RunLeases leases;
    private final RelayedReplies replies;
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

    private RunStore(Database db) {
        this.db = db;
        this.dispatches = new DispatchedAttempts(db);
        this.costModels = new CostModels(db);
        this.tokens = new ApiTokens(db);
        this.leases = new RunLeases(db);
        this.replies = new RelayedReplies(db);
    }

    /** Tells {@code listener} of every run created, status changed and iteration recorded from now on, here. */
    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /** Which replica owns each unfinished run (the same database). */
    public RunLeases leases() {
        return leases;
    }

    /** Final replies passed between replicas: recorded results and relayed errors (the same database). */
    public RelayedReplies replies() {
        return replies;
    }

    /** The attempts the dispatcher issued (the same database). */
    public DispatchedAttempts dispatches() {
        return dispatches;
    }

    /** Each device class's calibrated cost models (the same database). */
    public CostModels costModels() {
        return costModels;
    }

    /** The API's bearer tokens, hashed (the same database). */
    public ApiTokens tokens() {
        return tokens;
    }

    /** Opens (and migrates) the store; {@code user}/{@code password} may be null for embedded H2. */
    public static RunStore open(String jdbcUrl, String user, String password) {
        try {
            return new RunStore(Database.open(jdbcUrl, user, password));
        } catch (RuntimeException e) {
            throw new UserInputException("cannot open the store " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * The embedded default: {@code <dir>/sigmaquant} as an H2 file database. H2 keeps no redo log and by default
     * writes commits to its file half a second later, so a controller killed meanwhile lost the measurements it
     * had just recorded; {@code WRITE_DELAY=0} writes each commit to the file before it returns. A run's thread is
     * interrupted when the run is cancelled, and an interrupt during a write closes a plain file channel — H2 then
     * closed the whole database. The store's work runs on threads of its own, which are never interrupted
     * ({@code Database}); the {@code retry:} file system, which reopens such a channel, stays as a second guard
     * (alone it was not enough: an interrupted commit still closed the database).
     */
    public static String embeddedUrl(java.nio.file.Path dir) {
        return "jdbc:h2:retry:" + dir.toAbsolutePath().resolve("sigmaquant") + ";WRITE_DELAY=0";
    }

    /**
     * A cancel is final: the run's thread, stopping, must not write "failed" or "converged" over it, and a restart
     * must not queue it again.
     */
    private static final String NOT_CANCELLED = " AND status <> ?";
    private static final String CANCELLED = RunStatus.CANCELLED.wire();

    /** A run no replica will resume (an in-process {@code optimize}'s): it has no lease. */
    public void createRun(String id, String model, String deviceClass, Map<String, Double> budgets, RunStatus status) {
        createRun(id, model, deviceClass, budgets, status, null, null);
    }

    /**
     * A run of a service, leased to the replica that accepted it, in one transaction: a run is never without its
     * lease, so that some replica always executes or resumes it.
     */
    public void createOwnedRun(String id, String model, String deviceClass, Map<String, Double> budgets,
                               RunStatus status, String replica, Duration lease) {
        createRun(id, model, deviceClass, budgets, status, replica, lease);
    }

    private void createRun(String id, String model, String deviceClass, Map<String, Double> budgets, RunStatus status,
                           String replica, Duration lease) {
        db.transaction("creating run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO runs (id, model, device_class, budgets_json, "
                    + "status, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                Database.bind(s, id, model, deviceClass, json(budgets), status.wire(), System.currentTimeMillis());
                s.executeUpdate();
            }
            if (replica != null) {
                RunLeases.create(c, id, replica, lease);
            }
            return null;
        });
        listeners.forEach(l -> l.created(id, model, deviceClass, budgets, status));
    }

    /**
     * A replica writes a run's state only while the run is leased to it (or has no lease: an in-process run): a
     * replica that stalled past its lease, whose run another replica has resumed, must not end it.
     */
    private static final String HELD_BY = " AND NOT EXISTS (SELECT 1 FROM run_leases l WHERE l.run_id = runs.id "
            + "AND l.replica_id <> ?)";

    /** Ends a run that has no lease (an in-process run's). */
    public boolean finishRun(String id, boolean converged, String reason) {
        return finishRun(id, converged, reason, "");
    }

    /** Ends a run as the loop judged it — unless it was cancelled, or is leased to another replica than this one. */
    public boolean finishRun(String id, boolean converged, String reason, String replica) {
        return end(id, RunStatus.of(converged), reason, "UPDATE runs SET status = ?, reason = ?, finished_at_ms = ? "
                + "WHERE id = ?" + NOT_CANCELLED + HELD_BY, RunStatus.of(converged).wire(), reason,
                System.currentTimeMillis(), id, CANCELLED, replica);
    }

    /** Ends a run and its lease in one transaction; false when the statement changed no row. */
    private boolean end(String id, RunStatus status, String reason, String sql, Object... args) {
        boolean ended = db.transaction("ending run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                Database.bind(s, args);
                if (s.executeUpdate() != 1) {
                    return false;
                }
            }
            RunLeases.release(c, id);
            return true;
        });
        if (ended) {
            listeners.forEach(l -> l.statusChanged(id, status, reason));
        }
        return ended;
    }

    /** Records a result and its node times; returns false when that (job id, attempt) was recorded before. */
    public boolean recordMeasurement(String runId, Map<String, Integer> bits, JobResult r) {
        JobResult.Reference ref = r.reference();
        return db.transaction("recording measurement " + r.jobId() + "#" + r.attempt(), c -> {
            // asked first: the same result comes from the dispatcher, then from the loop; a failed insert would be
            // an ERROR line in PostgreSQL's log each time
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM measurements WHERE job_id = ? AND attempt = ?")) {
                Database.bind(q, r.jobId(), r.attempt());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement m = c.prepareStatement("INSERT INTO measurements (job_id, attempt, run_id, "
                    + "agent_id, model_sha256, bits_json, median_ms, p90_ms, p99_ms, energy_mj, energy_meter, simulated, "
                    + "result_json, created_at_ms, median_ci_low_ms, median_ci_high_ms, ci_target_reached, "
                    + "reference_sha256, reference_ratio, reference_ratio_ci_low, reference_ratio_ci_high) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement n = c.prepareStatement("INSERT INTO node_times (job_id, attempt, seq, node, "
                         + "op, micros) VALUES (?, ?, ?, ?, ?, ?)")) {
                Database.bind(m, r.jobId(), r.attempt(), runId, r.agentId(), r.modelSha256(), json(bits),
                        r.latency().medianMs(), r.latency().p90Ms(), r.latency().p99Ms(),
                        r.energy().millijoulesPerInference(), r.energy().meter(), r.simulated(), json(r),
                        System.currentTimeMillis(), r.latency().medianCiLowMs(), r.latency().medianCiHighMs(),
                        r.latency().ciTargetReached(), ref == null ? null : ref.modelSha256(),
                        ref == null ? null : ref.ratio(), ref == null ? null : ref.ratioCiLow(),
                        ref == null ? null : ref.ratioCiHigh());
                m.executeUpdate();
                int seq = 0;
                for (JobResult.NodeTime t : r.nodes()) {
                    Database.bind(n, r.jobId(), r.attempt(), seq++, t.node(), t.op() == null ? "" : t.op(), t.micros());
                    n.addBatch();
                }
                n.executeBatch();
                replies.notify(c); // a replica may be waiting for it
                return true;
            }
        }, false);
    }

    /** An iteration with the loop's judgement of it: drift-corrected latency, its interval and the verdict. */
    public void recordIteration(String runId, LoopIteration it, String jobId, int attempt) {
        db.update("INSERT INTO iterations (run_id, idx, kind, predicted_ms, measured_ms, job_id, attempt, corrected_ms, "
                + "ci_low_ms, ci_high_ms, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, it.index(),
                it.kind().wire(), it.predictedMs(), it.measuredMs(), jobId, attempt, finite(it.correctedMs()),
                finite(it.ciLowMs()), finite(it.ciHighMs()), it.verdict().wire());
        if (!listeners.isEmpty()) {
            StoredIteration stored = new StoredIteration(it.index(), it.kind(), it.predictedMs(), it.measuredMs(), jobId,
                    attempt, it.agentId(), it.bits(), finite(it.correctedMs()), finite(it.ciLowMs()),
                    finite(it.ciHighMs()), it.verdict(), finite(it.measuredEnergyMj()));
            listeners.forEach(l -> l.iterationRecorded(runId, stored));
        }
    }

    /** NULL for what is unknown, so that the API's JSON carries no NaN. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Saves a new version of a device class's cost model, fitted by no recorded run; see {@link CostModels#save}. */
    public int saveCostModel(String deviceClass, Object model) {
        return costModels.save(deviceClass, null, model);
    }

    public Optional<String> latestCostModel(String deviceClass) {
        return costModels.latestJson(deviceClass);
    }

    /** Sets a run's state and why; a cancelled run keeps its status. */
    public void setStatus(String id, RunStatus status, String reason) {
        if (db.update("UPDATE runs SET status = ?, reason = ? WHERE id = ?" + NOT_CANCELLED, status.wire(), reason, id,
                CANCELLED) == 1) {
            listeners.forEach(l -> l.statusChanged(id, status, reason));
        }
    }

    /** Ends a run that could not finish (bad input found late, no agent, an error); false for a cancelled one. */
    /** Fails a run that has no lease (an in-process run's, or one left from before leases). */
    public boolean failRun(String id, String reason) {
        return failRun(id, reason, "");
    }

    /** As {@link #failRun(String, String)}, unless the run is leased to another replica than this one. */
    public boolean failRun(String id, String reason, String replica) {
        return end(id, RunStatus.FAILED, reason, "UPDATE runs SET status = ?, reason = ?, finished_at_ms = ? WHERE id = ?"
                + NOT_CANCELLED + HELD_BY, RunStatus.FAILED.wire(), reason, System.currentTimeMillis(), id, CANCELLED,
                replica);
    }

    /**
     * Marks a queued or running run cancelled, in one statement so that it cannot race the run's own end. Its
     * measurements stay.
     *
     * @return false when the run had finished already (or does not exist)
     */
    public boolean cancelRun(String id, String reason) {
        return end(id, RunStatus.CANCELLED, reason, "UPDATE runs SET status = ?, reason = ?, finished_at_ms = ? WHERE "
                + "id = ? AND status IN (?, ?)", CANCELLED, reason, System.currentTimeMillis(), id, RunStatus.QUEUED.wire(), RunStatus.RUNNING.wire());
    }

    /**
     * A stored run with what it measured.
     *
     * @param owner the replica executing it (its MQTT client id), null once it has ended or when no replica will
     */
    public record StoredRun(String id, String model, String deviceClass, Map<String, Double> budgets, RunStatus status,
                            String reason, long createdAtMs, Long finishedAtMs, int measurements, int iterations,
                            String owner) {
    }

    private static final String RUN_COLUMNS = "SELECT r.id, r.model, r.device_class, r.budgets_json, r.status, r.reason, "
            + "r.created_at_ms, r.finished_at_ms, (SELECT COUNT(*) FROM measurements m WHERE m.run_id = r.id), "
            + "(SELECT COUNT(*) FROM iterations i WHERE i.run_id = r.id), "
            + "(SELECT l.replica_id FROM run_leases l WHERE l.run_id = r.id) FROM runs r ";

    /** Whether a run of this id exists (cheaper than {@link #run}, which counts its measurements). */
    public boolean hasRun(String id) {
        return !db.query("SELECT 1 FROM runs WHERE id = ?", rs -> 1, id).isEmpty();
    }

    /**
     * Whether several controllers can share this store: PostgreSQL. The embedded H2 file is opened by one process
     * only, and cannot tell other connections of a change.
     */
    public boolean sharedByReplicas() {
        return db.notifies();
    }

    public Optional<StoredRun> run(String id) {
        List<StoredRun> rows = db.query(RUN_COLUMNS + "WHERE r.id = ?", RunStore::storedRun, id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Every run, newest first. */
    public List<StoredRun> runs() {
        return db.query(RUN_COLUMNS + "ORDER BY r.created_at_ms DESC", RunStore::storedRun);
    }

    /** Runs a controller left queued or running when it stopped. */
    public List<StoredRun> unfinishedRuns() {
        List<RunStatus> unfinished = RunStatus.unfinished();
        String marks = String.join(", ", Collections.nCopies(unfinished.size(), "?"));
        return db.query(RUN_COLUMNS + "WHERE r.status IN (" + marks + ") ORDER BY r.created_at_ms", RunStore::storedRun,
                unfinished.stream().map(RunStatus::wire).toArray());
    }

    private static StoredRun storedRun(ResultSet rs) throws SQLException {
        long finished = rs.getLong(8);
        Long finishedAt = rs.wasNull() ? null : finished;
        try {
            Map<String, Double> budgets = JSON.readValue(rs.getString(4),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() { });
            return new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), budgets, RunStatus.fromWire(rs.getString(5)),
                    rs.getString(6), rs.getLong(7), finishedAt, rs.getInt(9), rs.getInt(10), rs.getString(11));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable budgets of run " + rs.getString(1), e);
        }
    }

    /**
     * One loop iteration as stored, with the measurement it refers to.
     *
     * @param correctedMs the drift-corrected latency (null for iterations recorded before it was kept)
     * @param verdict     the budget verdict (null likewise)
     * @param measuredEnergyMj the agent's energy per inference (measured or estimated, as its meter says; null when
     *                    not a number)
     */
    public record StoredIteration(int index, IterationKind kind, double predictedMs, double measuredMs, String jobId,
                                  int attempt, String agentId, Map<String, Integer> bits, Double correctedMs,
                                  Double ciLowMs, Double ciHighMs, BudgetVerdict verdict, Double measuredEnergyMj) {
    }

    public List<StoredIteration> iterations(String runId) {
        return db.query("SELECT i.idx, i.kind, i.predicted_ms, i.measured_ms, i.job_id, i.attempt, m.agent_id, m.bits_json, "
                + "i.corrected_ms, i.ci_low_ms, i.ci_high_ms, i.verdict, m.energy_mj "
                + "FROM iterations i JOIN measurements m ON m.job_id = i.job_id AND m.attempt = i.attempt "
                + "WHERE i.run_id = ? ORDER BY i.idx", rs -> new StoredIteration(rs.getInt(1), IterationKind.fromWire(rs.getString(2)),
                rs.getDouble(3), rs.getDouble(4), rs.getString(5), rs.getInt(6), rs.getString(7), bits(rs.getString(8)),
                rs.getObject(9, Double.class), rs.getObject(10, Double.class), rs.getObject(11, Double.class),
                rs.getString(12) == null ? null : BudgetVerdict.fromWire(rs.getString(12)), finite(rs.getDouble(13))),
                runId);
    }

    /** The run's iterations with their full results, in order, for resuming it after a restart. */
    public List<PastMeasurement> pastMeasurements(String runId) {
        return db.query("SELECT i.kind, m.bits_json, m.result_json, m.agent_id, i.predicted_ms FROM iterations i "
                + "JOIN measurements m ON m.job_id = i.job_id AND m.attempt = i.attempt WHERE i.run_id = ? ORDER BY i.idx",
                rs -> {
                    try {
                        return new PastMeasurement(IterationKind.fromWire(rs.getString(1)), bits(rs.getString(2)),
                                JSON.readValue(rs.getString(3), JobResult.class), rs.getString(4), rs.getDouble(5));
                    } catch (JsonProcessingException e) {
                        throw new SQLException("unreadable stored result", e);
                    }
                }, runId);
    }

    private static Map<String, Integer> bits(String json) throws SQLException {
        try {
            return JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable bit configuration", e);
        }
    }

    /**
     * How sure a stored measurement is (protocol 1.1; all null for older results): the median's 95 % interval,
     * whether it reached its target, and the paired reference's ratio with its interval.
     */
    public record StoredConfidence(Double medianCiLowMs, Double medianCiHighMs, Boolean ciTargetReached,
                                   String referenceSha256, Double referenceRatio, Double referenceRatioCiLow,
                                   Double referenceRatioCiHigh) {
    }

    public Optional<StoredConfidence> confidence(String jobId, int attempt) {
        return db.query("SELECT median_ci_low_ms, median_ci_high_ms, ci_target_reached, reference_sha256, "
                + "reference_ratio, reference_ratio_ci_low, reference_ratio_ci_high FROM measurements "
                + "WHERE job_id = ? AND attempt = ?", rs -> new StoredConfidence(rs.getObject(1, Double.class),
                rs.getObject(2, Double.class), rs.getObject(3, Boolean.class), rs.getString(4),
                rs.getObject(5, Double.class), rs.getObject(6, Double.class), rs.getObject(7, Double.class)),
                jobId, attempt).stream().findFirst();
    }

    public int nodeTimes(String jobId, int attempt) {
        return db.query("SELECT COUNT(*) FROM node_times WHERE job_id = ? AND attempt = ?", rs -> rs.getInt(1), jobId,
                attempt).get(0);
    }

    @Override
    public void close() {
        replies.close();
        db.close();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
