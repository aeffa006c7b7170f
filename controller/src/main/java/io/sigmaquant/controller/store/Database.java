package io.sigmaquant.controller.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled JDBC database (HikariCP) for the {@link RunStore}: each unit of work checks a connection out and
 * runs as one transaction. A connection the server dropped (a PostgreSQL restart) is found dead by the pool
 * and replaced; work that fails because the server went away is tried again until it is back, within a limit.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** SQLState of a unique-key violation in both H2 and PostgreSQL. */
    static final String DUPLICATE_KEY = "23505";
    /** How long work waits for a restarting server: a PostgreSQL restart takes seconds. */
    static final long RETRY_FOR_MS = 60_000;
    private static final long RETRY_PAUSE_MS = 500;
    /** Runs at once (two by default) plus the API's reads and late results. */
    static final int POOL_SIZE = 4;

    /** Work on one connection, in one transaction. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final HikariDataSource pool;
    /** Where the work runs (see {@link #onStoreThread}); the pool bounds how many at once. */
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sigmaquant-store-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final AtomicInteger THREADS = new AtomicInteger();

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool (failing at once when the database cannot be reached) and migrates the schema. */
    static Database open(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("sigmaquant-store");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).load().migrate();
            return new Database(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Whether this is PostgreSQL, which tells other connections of a change ({@code NOTIFY}); H2 cannot. */
    boolean notifies() {
        return pool.getJdbcUrl().startsWith("jdbc:postgresql:");
    }

    /**
     * A connection of its own, outside the pool, for {@code LISTEN}: it is held for as long as the listener
     * runs, which would take a pooled connection from the work for good.
     */
    Connection dedicatedConnection() throws SQLException {
        return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    <T> T transaction(String what, Work<T> work) {
        return transaction(what, work, null);
    }

    /**
     * @param ifDuplicate what the work gives when it breaks a unique key because its row is there already; null
     *                    when that is an error — unless a try before lost its connection, and so its commit's
     *                    acknowledgement, in which case the row is this work's own and null is returned
     */
    <T> T transaction(String what, Work<T> work, T ifDuplicate) {
        long until = System.currentTimeMillis() + RETRY_FOR_MS;
        boolean retried = false;
        while (true) {
            try {
                return onStoreThread(work);
            } catch (SQLException e) {
                if (DUPLICATE_KEY.equals(e.getSQLState()) && (ifDuplicate != null || retried)) {
                    return ifDuplicate;
                }
                // an interrupted caller (a cancelled run, a stopping service) does not wait for a database that went away
                if (!connectionLost(e) || System.currentTimeMillis() > until || Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("store: " + what + " failed", e);
                }
                LOG.warn("store: {} lost the database ({}); trying again", what, e.getMessage());
                retried = true;
                pause();
            }
        }
    }

    /**
     * One try of the work, on a store thread, waited for to its end. A run's thread is interrupted when the run is
     * cancelled (or claimed by another replica, or the service stops), and JDBC on an interrupted thread fails:
     * HikariCP gives up waiting for a connection (so a cancelled run waiting for one on a busy pool failed its
     * measurement, then its end: "store: ending run … failed"), and H2 closes the database when a file write is
     * interrupted. On a thread of its own the work never sees the interrupt; the caller keeps it for its next wait.
     */
    private <T> T onStoreThread(Work<T> work) throws SQLException {
        Future<T> done = workers.submit(() -> once(work));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e.getCause(); // the work throws nothing else

        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T once(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return transaction(sql, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                try (ResultSet rs = s.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** @return the number of rows changed */
    int update(String sql, Object... args) {
        return transaction(sql, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                return s.executeUpdate();
            }
        });
    }

    static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
    }

    /** The server went away or is starting: connection exceptions (08), admin shutdown and start-up (57P0x). */
    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone with its transaction
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    @Override
    public void close() {
        workers.shutdown();
        pool.close();
    }
}
