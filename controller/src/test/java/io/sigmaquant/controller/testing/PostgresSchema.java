package io.sigmaquant.controller.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A schema of its own on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}; .ci/run makes sure it
 * runs), so that tests never see each other's rows; closing drops it.
 */
public final class PostgresSchema implements AutoCloseable {
    public static final String SERVER = System.getProperty("sigmaquant.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("sigmaquant.postgres.user", "postgres");

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    public static PostgresSchema create() throws SQLException {
        String name = "sq_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            c.createStatement().execute("CREATE SCHEMA " + name);
        }
        return new PostgresSchema(name);
    }

    /** A JDBC URL whose tables live in this schema. */
    public String url() {
        return SERVER + "?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            c.createStatement().execute("DROP SCHEMA " + name + " CASCADE");
        }
    }
}
