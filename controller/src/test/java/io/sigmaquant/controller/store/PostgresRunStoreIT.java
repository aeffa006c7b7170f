package io.sigmaquant.controller.store;

import io.sigmaquant.controller.testing.PostgresSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The same contract on the machine's PostgreSQL, each test in a schema of its own that is dropped afterwards. */
class PostgresRunStoreIT extends RunStoreContract {
    private PostgresSchema schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void dropSchema() throws Exception {
        schema.close();
    }

    @Override
    String url() {
        return schema.url();
    }

    @Override
    String user() {
        return PostgresSchema.USER;
    }
}
