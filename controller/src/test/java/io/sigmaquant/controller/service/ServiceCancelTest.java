package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.controller.client.RunClient;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/runs/{id}/cancel} against a service with a simulated agent that measures a run's first job and
 * holds the next: the run ends {@code cancelled}, the agent is sent a cancel for the job it holds, what was
 * measured stays, and a restart does not resume the run. Finished runs are a 409, unknown ids a 404.
 */
class ServiceCancelTest {
    static final String AGENT = "cancel-agent-1";
    static final String CLASS = "x86-64-generic";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    final MessageCodec codec = new MessageCodec();
    /** What the simulated agent was sent, in order. */
    final List<Message> sent = new CopyOnWriteArrayList<>();

    @TempDir
    Path data;

    ControllerOptions options() {
        return new ControllerOptions().setDataDir(data).setHttpPort(0).setMqttPort(0).setConcurrentRuns(1)
                .setWaitForAgent(Duration.ofSeconds(2));
    }

    static HttpResponse<String> cancel(ControllerService service, String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/api/runs/"
                + id + "/cancel")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String submit(ControllerService service, String deviceClass) throws Exception {
        return new RunClient("http://127.0.0.1:" + service.httpPort()).submit(RunRequest.builder(deviceClass)
                .maxSizeBytes(40_000.0).build(), Fixtures.model("resnet"), Map.of());
    }

    @Test
    void cancel_runWithAJobAtTheAgent_202CancelledAtTheAgentKeptMeasurementsAndNotResumed() throws Exception {
        String id;
        MeasurementJob held;
        int measured;
        try (ControllerService service = ControllerService.start(options());
             MqttRecorder agent = simulatedAgent(service.brokerUrl())) {
            // given: a run whose first job was measured and whose next job the agent holds, unanswered
            id = submit(service, CLASS);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> jobs().size() >= 2 && service.runs().store().run(id).orElseThrow().measurements() >= 1);
            held = jobs().get(jobs().size() - 1);
            measured = service.runs().store().run(id).orElseThrow().measurements();

            // when
            HttpResponse<String> r = cancel(service, id);

            // then: answered with the run, now cancelled; the agent is told to drop the job it holds
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(JSON.readTree(r.body()).get("run").get("status").asText()).isEqualTo("cancelled");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> sent.stream().anyMatch(m -> m instanceof CancelJob c && c.jobId().equals(held.jobId())
                            && c.correlationId().equals(id)));
            HttpResponse<String> again = cancel(service, id);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(again.body()).get("error").asText()).contains("cancelled");
        }
        // and after a restart it stays cancelled, with what it measured, and is not queued again
        try (ControllerService restarted = ControllerService.start(options())) {
            RunStore.StoredRun run = restarted.runs().store().run(id).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(run.measurements()).isEqualTo(measured);
            assertThat(restarted.runs().store().unfinishedRuns()).extracting(RunStore.StoredRun::id).doesNotContain(id);
        }
        assertThat(sent.stream().filter(m -> m instanceof MeasurementJob j && j.jobId().equals(held.jobId())))
                .as("the held job is not sent again").hasSize(1);
    }

    /** Verifies that a queued run, cancelled, is never started: the worker takes the next run instead. */
    @Test
    void cancel_queuedRun_202AndItIsNeverSentAJob() throws Exception {
        try (ControllerService service = ControllerService.start(options());
             MqttRecorder agent = simulatedAgent(service.brokerUrl())) {
            // given: one worker, busy with a run whose job the agent holds, and a run queued behind it
            String busy = submit(service, CLASS);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> jobsOf(busy) >= 2);
            String queued = submit(service, CLASS);
            assertThat(service.runs().store().run(queued).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);

            // when
            HttpResponse<String> r = cancel(service, queued);

            // then
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(JSON.readTree(r.body()).get("run").get("status").asText()).isEqualTo("cancelled");
            // and once the worker is free it takes the next run, never the cancelled one
            assertThat(cancel(service, busy).statusCode()).isEqualTo(202);
            String next = submit(service, CLASS);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> jobsOf(next) >= 1);
            assertThat(jobsOf(queued)).isZero();
            assertThat(service.runs().store().run(queued).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(cancel(service, next).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void cancel_failedRun_409AndStaysFailed() throws Exception {
        try (ControllerService service = ControllerService.start(options())) {
            String id = submit(service, "raspberry-pi-4"); // no agent of the class: fails after 2 s
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> service.runs().store().run(id).orElseThrow().status() == RunStatus.FAILED);

            HttpResponse<String> r = cancel(service, id);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("failed");
            assertThat(service.runs().store().run(id).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        }
    }

    @Test
    void cancel_unknownOrMalformedId_404() throws Exception {
        try (ControllerService service = ControllerService.start(options())) {
            for (String id : new String[] {UUID.randomUUID().toString(), "not-a-run"}) {
                HttpResponse<String> r = cancel(service, id);
                assertThat(r.statusCode()).as(id).isEqualTo(404);
                JsonNode error = JSON.readTree(r.body()).get("error");
                assertThat(error.asText()).as(id).startsWith("no run");
            }
        }
    }

    long jobsOf(String runId) {
        return jobs().stream().filter(j -> j.correlationId().equals(runId)).count();
    }

    List<MeasurementJob> jobs() {
        return sent.stream().filter(MeasurementJob.class::isInstance).map(MeasurementJob.class::cast).toList();
    }

    /**
     * Online for {@link #CLASS}; answers the first job with a result and holds every later one; answers every
     * cancel with a "cancelled" error for the attempt it holds, as the real agent does.
     */
    private MqttRecorder simulatedAgent(String brokerUrl) throws Exception {
        MqttRecorder[] self = new MqttRecorder[1];
        AtomicBoolean answeredOne = new AtomicBoolean();
        self[0] = new MqttRecorder(brokerUrl, AGENT, true, 0, m -> {
            Message message = codec.decode(m.payload());
            sent.add(message);
            Message answer = null;
            if (message instanceof MeasurementJob job && answeredOne.compareAndSet(false, true)) {
                answer = Results.result(AGENT, job.jobId(), job.attempt());
            } else if (message instanceof CancelJob c) {
                int attempt = jobs().stream().filter(j -> j.jobId().equals(c.jobId())).mapToInt(MeasurementJob::attempt)
                        .max().orElse(0);
                answer = new JobError(Messages.SCHEMA_VERSION, null, c.correlationId(), AGENT, c.jobId(), attempt,
                        JobError.Codes.CANCELLED, "cancelled while running");
            }
            if (answer != null) {
                byte[] payload = codec.encode(answer);
                new Thread(() -> publish(self[0], Topics.results(AGENT), payload, false)).start(); // not on Paho's thread
            }
        });
        self[0].subscribe(Topics.jobs(AGENT));
        publish(self[0], Topics.status(AGENT), codec.encode(new AgentStatus(Messages.SCHEMA_VERSION, null, "s", AGENT,
                AgentStatus.ONLINE, CLASS, new AgentStatus.Capabilities("amd64", "Linux", 4, 4096, "1.23.2",
                List.of("CPU"), "estimate", false, "simulated"), System.currentTimeMillis())), true);
        return self[0];
    }

    private static void publish(MqttRecorder client, String topic, byte[] payload, boolean retained) {
        try {
            client.client.publish(topic, payload, 1, retained).waitForCompletion(10_000);
        } catch (Exception e) {
            throw new IllegalStateException("the simulated agent could not publish on " + topic, e);
        }
    }
}
