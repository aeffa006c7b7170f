package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.testing.AgentProcesses;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.PostgresSchema;
import io.sigmaquant.controller.testing.ServeProcess;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} replicas as processes on one PostgreSQL schema and one Mosquitto, two simulated agent processes,
 * three runs. The replica that owns a run is SIGKILLed in the middle of it: the other claims the run once its lease
 * expires and finishes it from the store. The agents are simulated (no ONNX Runtime: the test is about who records
 * and resumes what, not about measuring), and paused with SIGSTOP around the kill so that the run is certainly
 * mid-way and no result is on its way to the replica that dies.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplicasIT {
    static final String CLASS = "x86-64-generic";
    static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path work;

    /**
     * Verifies the issue's acceptance: the surviving replica finishes the dead one's run; every run ends converged or
     * with its reason; no job is used by two iterations and no (job, attempt) recorded twice; every result an agent
     * published is recorded; both replicas' APIs list the runs while both live, the survivor's all three after.
     */
    @Test
    void replicaOwningARunKilledMidRun_anotherReplicaFinishesItWithNothingLostOrDuplicated() throws Exception {
        try (TestBroker broker = TestBroker.start(); PostgresSchema schema = PostgresSchema.create();
             AgentProcesses agents = new AgentProcesses()) {
            List<JobResult> published = new CopyOnWriteArrayList<>();
            AtomicBoolean freezeOnFirstResult = new AtomicBoolean(false);
            // a plain (not shared) subscription sees every result the agents publish
            MqttRecorder observer = new MqttRecorder(broker.url(), "it-observer", true, 0, m -> {
                Message decoded = CODEC.decode(m.payload());
                if (decoded instanceof JobResult r) {
                    published.add(r);
                    if (freezeOnFirstResult.getAndSet(false)) {
                        signal("STOP", agents, "sim-a", "sim-b"); // the run cannot have finished: its next job waits
                    }
                }
            }).subscribe("sq/v1/agents/+/results");
            Map<String, Integer> metricsPorts = Map.of("sim-a", TestBroker.freePort(), "sim-b", TestBroker.freePort());
            for (var agent : metricsPorts.entrySet()) {
                agents.start(broker.url(), agent.getKey(), CLASS, work, "--simulate", "--metrics-port",
                        agent.getValue().toString());
            }
            Path shared = Files.createDirectories(work.resolve("shared"));
            Map<String, ServeProcess> replicas = new LinkedHashMap<>();
            try {
                for (String name : List.of("r1", "r2")) {
                    replicas.put(name, replica(name, broker, schema, shared));
                }
                RunClient r1 = new RunClient(replicas.get("r1").url());
                RunClient r2 = new RunClient(replicas.get("r2").url());
                for (RunClient c : List.of(r1, r2)) {
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> online(c) == 2);
                }

                freezeOnFirstResult.set(true);
                List<String> runIds = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    RunRequest request = RunRequest.builder(CLASS).latencyFraction(0.9).maxIterations(8)
                            .tolerance(0.05).seed((long) i).build().validate();
                    runIds.add((i % 2 == 0 ? r1 : r2).submit(request, Fixtures.model("resnet"), Map.of()));
                }
                Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> !freezeOnFirstResult.get());
                try {
                    // nothing is on its way to the replica about to die: every result published is recorded
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> notRecorded(schema, published)
                            .isEmpty());
                    JsonNode victim = null;
                    for (JsonNode run : r1.runs()) {
                        if (runIds.contains(run.get("id").asText()) && !finished(run) && !run.get("owner").isNull()) {
                            victim = run;
                            break;
                        }
                    }
                    assertThat(victim).as("a run mid-way while the agents are paused").isNotNull();
                    String owner = victim.get("owner").asText();
                    // the replica ids are the MQTT client ids each keeps in its data folder
                    String dead = Files.readString(work.resolve("r1/controller-id")).strip().equals(owner) ? "r1" : "r2";
                    replicas.get(dead).kill();
                    replicas.remove(dead);
                } finally {
                    signal("CONT", agents, "sim-a", "sim-b");
                }

                RunClient survivor = new RunClient(replicas.values().iterator().next().url());
                Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    int ended = 0;
                    for (JsonNode run : survivor.runs()) {
                        if (runIds.contains(run.get("id").asText()) && finished(run)) {
                            ended++;
                        }
                    }
                    return ended == runIds.size();
                });

                Set<String> listed = new HashSet<>();
                for (JsonNode run : survivor.runs()) {
                    listed.add(run.get("id").asText());
                }
                assertThat(listed).containsAll(runIds);
                for (String id : runIds) {
                    JsonNode run = survivor.status(id).get("run");
                    assertThat(run.get("status").asText()).isIn("converged", "not-converged", "failed");
                    assertThat(run.get("reason").asText()).as("run %s ends with its reason", id).isNotBlank();
                    assertThat(run.get("owner").isNull()).isTrue();
                }
                assertThat(Files.readString(work.resolve(survivorName(replicas) + ".log")))
                        .as("the survivor claimed the dead replica's run").contains("claimed by");
                assertThat(jobsUsedTwice(schema, runIds)).as("jobs used by two iterations").isEmpty();
                assertThat(notRecorded(schema, published)).as("results published but not recorded").isEmpty();
                // and the agents were told: each holds no result waiting for a controller's acknowledgement
                for (var agent : metricsPorts.entrySet()) {
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> unacknowledged(agent.getValue()) == 0);
                }
            } finally {
                for (ServeProcess p : replicas.values()) {
                    p.close();
                }
                observer.close();
            }
        }
    }

    /**
     * Verifies that a cancel reaches the run wherever it executes: cancelled through one replica's API, the run owned
     * by the other stops there (its lease is gone) and stays cancelled.
     */
    @Test
    void runOwnedByOneReplica_cancelledThroughTheOther_stopsWhereItRuns() throws Exception {
        try (TestBroker broker = TestBroker.start(); PostgresSchema schema = PostgresSchema.create();
             AgentProcesses agents = new AgentProcesses()) {
            agents.start(broker.url(), "sim-c", CLASS, work, "--simulate");
            Path shared = Files.createDirectories(work.resolve("shared"));
            try (ServeProcess r1 = replica("r1", broker, schema, shared);
                 ServeProcess r2 = replica("r2", broker, schema, shared)) {
                RunClient owner = new RunClient(r1.url());
                RunClient other = new RunClient(r2.url());
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> online(owner) == 1);
                signal("STOP", agents, "sim-c"); // the run waits for its first result for as long as the test wants
                try {
                    String id = owner.submit(RunRequest.builder(CLASS).latencyFraction(0.9).build().validate(),
                            Fixtures.model("resnet"), Map.of());
                    Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> owner.status(id).get("run")
                            .get("status").asText().equals("running")); // waiting for its first result
                    assertThat(other.status(id).get("run").get("owner").asText())
                            .isEqualTo(Files.readString(work.resolve("r1/controller-id")).strip());

                    other.cancel(id);

                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(work.resolve(
                            "r1.log")).contains("run " + id + " was cancelled on another replica"));
                    JsonNode run = owner.status(id).get("run");
                    assertThat(run.get("status").asText()).isEqualTo("cancelled");
                    assertThat(run.get("owner").isNull()).isTrue();
                } finally {
                    signal("CONT", agents, "sim-c");
                }
            }
        }
    }

    private ServeProcess replica(String name, TestBroker broker, PostgresSchema schema, Path shared) throws Exception {
        return ServeProcess.start(work.resolve(name), work.resolve(name + ".log"), "--broker", broker.url(),
                "--store-url", schema.url(), "--store-user", PostgresSchema.USER, "--shared-dir", shared.toString(),
                "--run-lease-s", "3", "--mqtt-session-expiry-s", "0", "--wait-for-agent-s", "120");
    }

    /** An agent's {@code sigmaquant_agent_results_unacknowledged}, from its metrics endpoint. */
    private static double unacknowledged(int metricsPort) throws Exception {
        String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(l -> l.startsWith("sigmaquant_agent_results_unacknowledged"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no sigmaquant_agent_results_unacknowledged in " + scrape));
    }

    private static String survivorName(Map<String, ServeProcess> replicas) {
        return replicas.keySet().iterator().next();
    }

    private static boolean finished(JsonNode run) {
        return !List.of("queued", "running").contains(run.get("status").asText());
    }

    private static int online(RunClient client) throws Exception {
        int n = 0;
        for (JsonNode a : client.agents()) {
            n += a.path("online").asBoolean() ? 1 : 0;
        }
        return n;
    }

    private static void signal(String signal, AgentProcesses agents, String... ids) {
        for (String id : ids) {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(agents.get(id).pid())).start().waitFor();
            } catch (Exception e) {
                throw new IllegalStateException("cannot send SIG" + signal + " to " + id, e);
            }
        }
    }

    /** The (job, attempt) of published results that the store has not recorded. */
    private static List<String> notRecorded(PostgresSchema schema, List<JobResult> published) throws Exception {
        Set<String> recorded = new HashSet<>();
        try (Connection c = DriverManager.getConnection(schema.url(), PostgresSchema.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT job_id, attempt FROM measurements")) {
            while (rs.next()) {
                recorded.add(rs.getString(1) + "#" + rs.getInt(2));
            }
        }
        return published.stream().map(r -> r.jobId() + "#" + r.attempt()).filter(k -> !recorded.contains(k))
                .distinct().toList();
    }

    /** Job ids that two iterations of the runs refer to: a measurement counted twice. */
    private static List<String> jobsUsedTwice(PostgresSchema schema, List<String> runIds) throws Exception {
        List<String> twice = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(schema.url(), PostgresSchema.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT job_id FROM iterations GROUP BY job_id "
                     + "HAVING COUNT(*) > 1")) {
            while (rs.next()) {
                twice.add(rs.getString(1));
            }
        }
        assertThat(runIds).isNotEmpty();
        return twice;
    }
}
