package io.sigmaquant.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which controller replica owns each unfinished run: a row per run in {@code run_leases}, written with the run,
 * renewed by its owner's heartbeat and deleted when the run ends. A replica claims a run whose lease has expired
 * (its owner died or lost the database) with {@code SELECT … FOR UPDATE SKIP LOCKED}, so that two replicas
 * looking at once never claim the same run and neither waits for the other. Expiry is judged on the claiming
 * replica's clock: replicas' clocks must agree (NTP) to well within a lease.
 */
public final class RunLeases {
    private final Database db;

    RunLeases(Database db) {
        this.db = db;
    }

    /** The lease of a run created by {@code replica}: inserted in the run's own transaction. */
    static void create(Connection c, String runId, String replica, Duration lease) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO run_leases (run_id, replica_id, expires_at_ms, claims) VALUES (?, ?, ?, 1)")) {
            Database.bind(s, runId, replica, System.currentTimeMillis() + lease.toMillis());
            s.executeUpdate();
        }
    }

    /** Ends a run's lease, in the transaction that ends the run. */
    static void release(Connection c, String runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM run_leases WHERE run_id = ?")) {
            Database.bind(s, runId);
            s.executeUpdate();
        }
    }

    /**
     * Claims up to {@code max} runs whose lease has expired (their owner died or lost the database), oldest lease
     * first.
     *
     * @return the ids of the runs now leased to {@code replica} for {@code lease}
     */
    public List<String> claimExpired(String replica, int max, Duration lease) {
        if (max <= 0) {
            return List.of();
        }
        return claim(replica, "expires_at_ms < ?", System.currentTimeMillis(), max, lease);
    }

    /** Takes back the runs leased to this replica id — a replica restarting under its id does not wait for them. */
    public List<String> reclaimOwn(String replica, Duration lease) {
        return claim(replica, "replica_id = ?", replica, Integer.MAX_VALUE, lease);
    }

    private List<String> claim(String replica, String condition, Object value, int max, Duration lease) {
        return db.transaction("claiming runs for " + replica, c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT run_id FROM run_leases WHERE " + condition
                    + " ORDER BY expires_at_ms, run_id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                Database.bind(s, value, max);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            long until = System.currentTimeMillis() + lease.toMillis();
            try (PreparedStatement u = c.prepareStatement("UPDATE run_leases SET replica_id = ?, expires_at_ms = ?, "
                    + "claims = claims + 1 WHERE run_id = ?")) {
                for (String id : ids) {
                    Database.bind(u, replica, until, id);
                    u.addBatch();
                }
                u.executeBatch();
            }
            return ids;
        });
    }

    /**
     * Renews the leases of runs this replica executes.
     *
     * @return those it still holds; a run missing here has ended (a cancel on another replica deletes the lease)
     *         or was claimed by another replica after this one failed to renew in time
     */
    public Set<String> renew(String replica, Collection<String> runIds, Duration lease) {
        if (runIds.isEmpty()) {
            return Set.of();
        }
        return db.transaction("renewing the leases of " + replica, c -> {
            long until = System.currentTimeMillis() + lease.toMillis();
            Set<String> held = new LinkedHashSet<>();
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE run_leases SET expires_at_ms = ? WHERE run_id = ? AND replica_id = ?")) {
                for (String id : runIds) {
                    Database.bind(u, until, id, replica);
                    if (u.executeUpdate() == 1) {
                        held.add(id);
                    }
                }
            }
            return held;
        });
    }

    /** The replica a run is leased to; empty once the run has ended. */
    public Optional<String> owner(String runId) {
        return db.query("SELECT replica_id FROM run_leases WHERE run_id = ?", rs -> rs.getString(1), runId).stream()
                .findFirst();
    }
}
