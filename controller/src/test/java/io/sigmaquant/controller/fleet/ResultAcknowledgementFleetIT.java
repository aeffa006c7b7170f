package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's session and a simulated agent on a real Mosquitto: a result the controller acknowledges through
 * {@link FleetConnection#resultRecorded} is not published again; one it does not acknowledge keeps coming.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ResultAcknowledgementFleetIT {
    private static final String AGENT = "fleet-acked-1";

    @TempDir
    Path dir;

    /**
     * Verifies the loop end to end: the controller acknowledges every result of job {@code acked} as it arrives, and
     * none of job {@code open}. {@code open} is sent once the agent's metrics say it holds no unacknowledged result,
     * and its first result comes after anything the agent published before (one publisher, MQTT keeps the order);
     * once it has come three times, the agent has had two intervals to resend {@code acked}'s, and has not.
     */
    @Test
    void acknowledgedResult_notResent_unacknowledgedKeepsComing() throws Exception {
        MessageCodec codec = new MessageCodec();
        List<JobResult> results = new CopyOnWriteArrayList<>();
        try (TestBroker broker = TestBroker.start();
             FleetConnection controller = new FleetConnection(broker.url(), "fleet-ack-controller", 0, MqttLogin.NONE,
                     MessageTraffic.NONE)) {
            controller.connect((topic, payload) -> {
                Message m = codec.decode(payload);
                if (m instanceof JobResult r) {
                    results.add(r);
                    if (r.jobId().equals("acked")) {
                        controller.resultRecorded(Topics.agentIdOf(topic), ResultRecorded.of(r));
                    }
                }
            });
            try (AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), AGENT, "x86-64-generic")
                    .setSimulate(true).setCacheDir(dir).setMetricsPort(0).setResultResendMs(300))) {
                controller.publish(AGENT, job("acked"));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(results, "acked") >= 1
                        && metric(agent, "sigmaquant_agent_results_unacknowledged") == 0);

                controller.publish(AGENT, job("open"));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(results, "open") >= 1);
                long acked = count(results, "acked");
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(results, "open") >= 3);

                assertThat(count(results, "acked")).isEqualTo(acked);
                assertThat(metric(agent, "sigmaquant_agent_results_resent_total")).isGreaterThanOrEqualTo(2);
                assertThat(metric(agent, "sigmaquant_agent_results_unacknowledged")).isEqualTo(1);
            }
        }
    }

    /** A sample without labels from the agent's Prometheus endpoint. */
    private static double metric(AgentRuntime agent, String name) throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return scrape.body().lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l ->
                Double.parseDouble(l.substring(name.length() + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + scrape.body()));
    }

    private static long count(List<JobResult> results, String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).count();
    }

    private static MeasurementJob job(String id) {
        return Jobs.job(id, "http://127.0.0.1:9/models/" + "d".repeat(64), "d".repeat(64), 1000,
                System.currentTimeMillis() + 60_000,
                List.of(new MeasurementJob.LayerWork("/stem/Conv", 112_896, 144, 8, 12_544)));
    }
}
