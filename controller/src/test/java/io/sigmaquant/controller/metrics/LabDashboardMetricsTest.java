package io.sigmaquant.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.jobs.JobService;
import io.sigmaquant.agent.metrics.MetricsEndpoint;
import io.sigmaquant.agent.simulate.SimulatedExecutor;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ReplyLog;
import io.sigmaquant.controller.fleet.AttemptFailure;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.Untrusted;
import io.sigmaquant.controller.loop.BudgetVerdict;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Verifies that every metric the lab's Grafana dashboard ({@code docker/grafana/sigmaquant.json}) and Prometheus
 * configuration name is one the controller and the agent really export: their own registries, with every meter
 * made to appear (some are registered on first use), scraped as Prometheus text. A renamed meter fails here
 * instead of leaving an empty panel.
 */
class LabDashboardMetricsTest {
    /** A Prometheus series name of this project, as written in a PromQL expression. */
    private static final Pattern METRIC = Pattern.compile("\\bsigmaquant_[a-z0-9_]+");

    @Test
    void dashboardAndPrometheusConfig_nameOnlyExportedMetrics() throws Exception {
        Set<String> exported = new TreeSet<>(seriesNames(controllerScrape()));
        exported.addAll(seriesNames(agentScrape()));

        Set<String> dashboard = namesIn(dashboardExpressions());
        Set<String> prometheus = namesIn(List.of(read("docker/prometheus/prometheus.yml")));

        // the dashboard covers both sides: a wrong path or an emptied file must not pass for "nothing unknown"
        assertThat(dashboard).contains("sigmaquant_agents_online", "sigmaquant_agent_jobs_total");
        assertThat(dashboard).as("metric names in docker/grafana/sigmaquant.json that nothing exports")
                .isSubsetOf(exported);
        assertThat(prometheus).as("metric names in docker/prometheus/prometheus.yml that nothing exports")
                .isSubsetOf(exported);
    }

    @Test
    void seriesNames_takesTheNameOfEachSampleLine() {
        String text = """
                # HELP sigmaquant_jobs_total measurement attempts by state
                # TYPE sigmaquant_jobs_total counter
                sigmaquant_jobs_total{state="late"} 0.0
                sigmaquant_measurement_seconds_count 3
                """;
        assertThat(seriesNames(text)).containsExactlyInAnyOrder("sigmaquant_jobs_total",
                "sigmaquant_measurement_seconds_count");
    }

    /** The controller's meters after one of everything they count: a job, a failure, an iteration, a run. */
    private static String controllerScrape() {
        try (ControllerMetrics metrics = new ControllerMetrics(new FleetRegistry(), false)) {
            metrics.dispatched("agent-a");
            metrics.waitedForAgent(0);
            metrics.accepted(Duration.ofMillis(3).toNanos());
            metrics.resultHandled(Duration.ofMillis(1).toNanos());
            metrics.succeeded(Duration.ofMillis(12).toNanos());
            metrics.attemptFailed(AttemptFailure.TIMEOUT);
            metrics.jobFailed();
            metrics.lateResult();
            metrics.untrusted(Untrusted.values()[0]);
            metrics.received();
            metrics.published();
            metrics.fitted(Duration.ofMillis(5).toNanos());
            metrics.solved(Duration.ofMillis(8).toNanos());
            metrics.recorded(Duration.ofMillis(2).toNanos());
            metrics.iteration(new LoopIteration(1, IterationKind.CALIBRATION, Map.of("/fc/Gemm", 8), "agent-a", 1.2,
                    1.5, 1.5, Double.NaN, Double.NaN, Double.NaN, 1.0, true, 100, true, BudgetVerdict.MEETS, Double.NaN));
            metrics.runFinished(RunStatus.CONVERGED);
            return metrics.scrape();
        }
    }

    /**
     * The registry a running agent serves on {@code --metrics-port}, after a simulated job was measured, the same
     * job came again (a duplicate) and an unreadable message was refused.
     */
    private static String agentScrape() {
        MetricsEndpoint endpoint = new MetricsEndpoint();
        MessageCodec codec = new MessageCodec();
        ReplyLog replies = new ReplyLog();
        MeasurementJob job = Jobs.job("lab", "http://127.0.0.1/m", "b".repeat(64), 10, Jobs.inAMinute(),
                List.of(new MeasurementJob.LayerWork("fc", 640, 640, 8, 74)));
        JobService service = new JobService("sim-1", new SimulatedExecutor("sim-1",
                DeviceProfiles.load("raspberry-pi-5"), 1), replies, 4, endpoint.registry(), System::currentTimeMillis);
        try (endpoint) {
            service.onMessage(codec.encode(job));
            replies.awaitFinals(1);
            service.onMessage(codec.encode(job));
            service.onMessage("not a message".getBytes(StandardCharsets.UTF_8));
            // the result's counter is incremented right after its reply is sent
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    endpoint.registry().scrape().contains("sigmaquant_agent_jobs_total{outcome=\"result\"}"));
            return endpoint.registry().scrape();
        } finally {
            service.close();
        }
    }

    static Set<String> seriesNames(String prometheusText) {
        Set<String> names = new TreeSet<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(read("docker/grafana/sigmaquant.json"));
        return dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
    }

    private static Set<String> namesIn(List<String> texts) {
        Set<String> names = new TreeSet<>();
        for (String text : texts) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static String read(String path) throws IOException {
        return Files.readString(Fixtures.repoRoot().resolve(path));
    }
}
