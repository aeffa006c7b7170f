package io.sigmaquant.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.agent.jobs.Availability;
import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a worker that cannot start makes the agent unavailable and that a retry brings it back, and that
 * the worker's smart-plug meter gets the plug's readings from the agent, the last one included when it starts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkerMeasurerTest {
    @TempDir
    Path dir;

    @Test
    void measure_workerCannotStart_failsTheJobAndReportsUnavailableUntilARetrySucceeds() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        Path allowed = dir.resolve("may-start");
        // the worker starts only once the flag file exists: a board whose worker is broken, then repaired
        List<String> command = new ArrayList<>(List.of("sh", "-c", "f=$1; shift; [ -f \"$f\" ] && exec \"$@\"; exit 3",
                "sh", allowed.toString()));
        command.addAll(WorkerCommand.of(new WorkerCommand.Settings("a", "x86-64-generic", "estimate", Path.of("/"),
                dir, ExecutionProvider.CPU), WorkerMain.class));
        byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
        MeasurementJob job = Jobs.job("j", "http://127.0.0.1/m", resnet, Jobs.inAMinute());
        try (WorkerMeasurer worker = new WorkerMeasurer(command, new Availability(r -> reported.add(String.valueOf(r))),
                200)) {
            assertThatThrownBy(() -> worker.measure(job, Fixtures.model("resnet"), null, p -> { }, () -> false))
                    .isInstanceOf(JobFailure.class).hasMessageContaining("cannot start")
                    .extracting(e -> ((JobFailure) e).code()).isEqualTo(JobError.Codes.MEASUREMENT_FAILED);
            assertThat(reported).first().asString().contains("cannot start");

            Files.createFile(allowed);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> reported.contains("null"));
            JobResult r = worker.measure(job, Fixtures.model("resnet"), null, p -> { }, () -> false);
            assertThat(r.latency().runs()).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void measure_repeatedStartFailures_keepOneScheduledRetry() throws Exception {
        // given a worker command that never starts and counts its start attempts
        Path attempts = dir.resolve("attempts");
        List<String> command = List.of("sh", "-c", "echo start >> \"$0\"; exit 3", attempts.toString());
        MeasurementJob job = Jobs.job("j", "http://127.0.0.1/m", new byte[] {1}, Jobs.inAMinute());
        // an hour between retries: none fires during the test, so every attempt counted is a job's own
        try (WorkerMeasurer worker = new WorkerMeasurer(command, Availability.ignored(), 3_600_000)) {
            // when five jobs fail to start it
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> worker.measure(job, dir, null, p -> { }, () -> false))
                        .isInstanceOf(JobFailure.class).hasMessageContaining("cannot start");
            }
            // then each job tried once, and one retry waits instead of five chains
            assertThat(Files.readAllLines(attempts)).hasSize(5);
            assertThat(worker.scheduledRetries()).isEqualTo(1);
        }
    }

    @Test
    void measure_withASmartPlug_theWorkerStartedLaterGetsTheLastReading() throws Exception {
        List<String> command = WorkerCommand.of(new WorkerCommand.Settings("a", "x86-64-generic",
                "mqtt-plug:tele/plug/SENSOR", Path.of("/"), dir, ExecutionProvider.CPU), WorkerMain.class);
        byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
        MeasurementJob job = Jobs.job("p", "http://127.0.0.1/m", resnet, Jobs.inAMinute());
        try (WorkerMeasurer worker = new WorkerMeasurer(command, Availability.ignored())) {
            worker.plugReading("{\"apower\":4.5}".getBytes(StandardCharsets.UTF_8));
            JobResult r = worker.measure(job, Fixtures.model("resnet"), null, p -> { }, () -> false);
            assertThat(r.energy().meter()).isEqualTo("mqtt-plug");
            // sampled every 20 ms: the window's edges add a little
            assertThat(r.energy().averageWatts()).isCloseTo(4.5, within(0.5));
        }
    }
}
