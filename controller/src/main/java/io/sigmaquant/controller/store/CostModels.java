package io.sigmaquant.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Each device class's calibrated cost models in the store's {@code cost_models} table, versioned per class. */
public final class CostModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;

    CostModels(Database db) {
        this.db = db;
    }

    /**
     * A class's cost model as last fitted.
     *
     * @param runId the run whose loop fitted it; null for a version saved before runs were recorded with it
     * @param model the calibrated model's export (per format fits with their held-out error, offsets, energy)
     */
    public record Latest(String deviceClass, int version, String runId, long createdAtMs, JsonNode model) {
    }

    /**
     * Saves a new version of a device class's calibrated cost model and returns its version. Synchronized: two
     * runs of a class refitting at once would take the same next version.
     */
    public synchronized int save(String deviceClass, String runId, Object model) {
        String json;
        try {
            json = JSON.writeValueAsString(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the cost model of " + deviceClass, e);
        }
        return db.transaction("saving a cost model of " + deviceClass, c -> {
            int version;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) FROM cost_models WHERE device_class = ?")) {
                Database.bind(s, deviceClass);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1) + 1;
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cost_models (device_class, version, model_json, "
                    + "created_at_ms, run_id) VALUES (?, ?, ?, ?, ?)")) {
                Database.bind(s, deviceClass, version, json, System.currentTimeMillis(), runId);
                s.executeUpdate();
            }
            return version;
        });
    }

    /** A class's latest model as JSON. */
    public Optional<String> latestJson(String deviceClass) {
        return db.query("SELECT model_json FROM cost_models WHERE device_class = ? ORDER BY version DESC",
                rs -> rs.getString(1), deviceClass).stream().findFirst();
    }

    /** Every class's latest model, by class name. */
    public List<Latest> latestPerClass() {
        return db.query("SELECT c.device_class, c.version, c.run_id, c.created_at_ms, c.model_json FROM cost_models c "
                + "WHERE c.version = (SELECT MAX(l.version) FROM cost_models l WHERE l.device_class = c.device_class) "
                + "ORDER BY c.device_class", rs -> new Latest(rs.getString(1), rs.getInt(2), rs.getString(3),
                rs.getLong(4), tree(rs.getString(5))));
    }

    private static JsonNode tree(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable cost model", e);
        }
    }
}
