package io.sigmaquant.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: an H2 file under a data directory; reopening it is a controller restart. */
class H2RunStoreTest extends RunStoreContract {
    @TempDir
    Path dir;

    @Override
    String url() {
        return RunStore.embeddedUrl(dir);
    }

    @Override
    String user() {
        return "sa";
    }

    @Test
    void open_databaseOfSchemaV1WithAMeasurement_migratesAndKeepsIt() throws Exception {
        // given: a store as an older controller left it, before the confidence columns
        Flyway.configure().dataSource(url(), user(), "").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url(), user(), "");
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO runs (id, model, device_class, budgets_json, status, created_at_ms) "
                    + "VALUES ('old', 'm.onnx', 'x86-64-generic', '{}', 'running', 1)");
            s.executeUpdate("INSERT INTO measurements (job_id, attempt, run_id, agent_id, model_sha256, bits_json, "
                    + "median_ms, p90_ms, p99_ms, energy_mj, energy_meter, simulated, result_json, created_at_ms) "
                    + "VALUES ('old-job', 1, 'old', 'a', '" + "c".repeat(64) + "', '{}', 1, 1, 1, 1, 'rapl', FALSE, "
                    + "'{}', 1)");
        }
        // when: this controller opens it
        try (RunStore store = RunStore.open(url(), user(), "")) {
            // then: the old measurement is there, without an interval, and new ones carry theirs
            assertThat(store.run("old").orElseThrow().measurements()).isEqualTo(1);
            assertThat(store.confidence("old-job", 1)).hasValueSatisfying(c -> assertThat(c.medianCiLowMs()).isNull());
            store.recordMeasurement("old", java.util.Map.of(), pairedResult("new-job"));
            assertThat(store.confidence("new-job", 1)).hasValueSatisfying(c ->
                    assertThat(c.referenceRatio()).isEqualTo(0.5));
        }
    }
}
