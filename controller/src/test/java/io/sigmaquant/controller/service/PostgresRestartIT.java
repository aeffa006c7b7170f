package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.PostgresSchema;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on the machine's PostgreSQL (in a {@link PostgresSchema} of its own) survives
 * a restart of that server in the middle of a run: the run goes on and every measurement is kept. The server
 * is restarted with {@code pg_ctlcluster} (cluster {@code sigmaquant.postgres.cluster}, default 15/main) and
 * is always left running. One agent in this process measures for real, so that each job takes a second and
 * the run is still going when the server is back.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PostgresRestartIT {
    static final String SERVER = PostgresSchema.SERVER;
    static final String USER = PostgresSchema.USER;
    static final String[] CLUSTER = System.getProperty("sigmaquant.postgres.cluster", "15/main").split("/");
    static final String CLASS = "x86-64-generic";
    /** Three calibrations and six candidates: the loop runs to its limit, as the tolerance is never met. */
    static final int ITERATIONS = 9;

    @TempDir
    Path dir;
    PostgresSchema schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void dropSchema() throws Exception {
        awaitAccepting();
        schema.close();
    }

    /** Whatever happened, the server is left running for the tests after this one. */
    @AfterAll
    static void leaveRunning() throws Exception {
        if (!accepting()) {
            pgCtlCluster("start");
            awaitAccepting();
        }
    }

    @Test
    void run_postgresRestartedMidRun_goesOnAndKeepsEveryMeasurement() throws Exception {
        ControllerOptions options = new ControllerOptions().setDataDir(dir.resolve("service")).setHttpPort(0)
                .setMqttPort(0).setStoreUrl(schema.url()).setStoreUser(USER)
                .setConcurrentRuns(1).setWaitForAgent(Duration.ofMinutes(1));
        try (ControllerService service = ControllerService.start(options);
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(service.brokerUrl(), "pg-agent", CLASS)
                     .setEnergy("estimate").setCacheDir(dir.resolve("agent-cache")))) {
            RunClient client = new RunClient("http://127.0.0.1:" + service.httpPort());
            RunRequest request = RunRequest.builder(CLASS).maxSizeBytes(40_960.0).latencyFraction(2.0)
                    .tolerance(1e-9).maxIterations(ITERATIONS - 3).threads(1).runs(20).minDurationMs(1000L)
                    .sensitivityMode("weights").build();
            String id = client.submit(request, Fixtures.model("resnet"), RunClient.calibrationFiles(Fixtures.data()));
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.status(id).get("iterations").size() >= 1);
            int before = client.status(id).get("iterations").size();

            pgCtlCluster("restart");
            awaitAccepting();
            long restarted = System.currentTimeMillis();

            Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> RunStatus.fromWire(client.status(id).get("run").get("status").asText()).finished());
            JsonNode status = client.status(id);
            assertThat(status.get("run").get("status").asText()).as(status.toString())
                    .isEqualTo(RunStatus.NOT_CONVERGED.wire());
            assertThat(status.get("run").get("reason").asText()).startsWith("iteration limit of " + (ITERATIONS - 3));
            assertThat(before).as("iterations recorded before the restart").isLessThan(ITERATIONS);
            assertThat(status.get("iterations")).hasSize(ITERATIONS);
            assertThat(status.get("run").get("measurements").asInt()).isEqualTo(ITERATIONS);
            assertThat(measurementsRecordedAfter(restarted)).as("measurements written after the restart").isPositive();
        }
    }

    private int measurementsRecordedAfter(long ms) throws SQLException {
        try (Connection c = DriverManager.getConnection(schema.url(), USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM measurements WHERE created_at_ms > "
                     + ms)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Output goes to a file: the server it starts could hold a pipe open for as long as it runs. */
    private static void pgCtlCluster(String action) throws Exception {
        Path log = Files.createTempFile("pg_ctlcluster", ".log");
        try {
            Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER[0], CLUSTER[1], action)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null"))).start();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("pg_ctlcluster %s ends", action).isTrue();
            assertThat(p.exitValue()).as("pg_ctlcluster %s: %s", action, Files.readString(log)).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void awaitAccepting() {
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(PostgresRestartIT::accepting);
    }

    private static boolean accepting() {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }
}
