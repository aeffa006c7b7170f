package io.sigmaquant.controller.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same contract on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}; .ci/run makes sure it
 * runs), each test in a schema of its own that is dropped afterwards.
 */
class PostgresRunStoreIT extends RunStoreContract {
    static final String SERVER = System.getProperty("sigmaquant.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("sigmaquant.postgres.user", "postgres");
    private String schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = "sq_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Override
    String url() {
        return SERVER + "?currentSchema=" + schema;
    }

    @Override
    String user() {
        return USER;
    }
}
