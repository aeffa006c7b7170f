package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.simulate.SimulatedExecutor;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.fleet.JobPolicy;
import io.sigmaquant.controller.loop.LoopRecorder;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run without a data set on a W8A8 device class, through the real loop, exporter, fit and allocator; a fake
 * board answers the jobs from the profile's cost model (the simulated agent's executor), so no broker is needed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LatencyOnlyRunTest {
    static final String CLASS = "x86-64-generic";

    @TempDir
    Path dir;

    /** Answers every job from the profile's cost model with seeded noise. */
    static final class FakeBoard implements Dispatcher {
        final SimulatedExecutor board = new SimulatedExecutor("fake-board", DeviceProfiles.load(CLASS), 42);

        @Override
        public Measured measure(String deviceClass, MeasurementJob job, JobPolicy policy) {
            return new Measured(board.execute(job, phase -> { }, () -> false), "fake-board");
        }
    }

    @Test
    void run_noDataOnW8A8Class_exportsIntegerActivationsAndTheReportSaysGenerated() throws Exception {
        PreparedRun prepared = PreparedRun.check(RunRequest.builder(CLASS).maxSizeBytes(40_960.0).latencyFraction(0.9)
                .batch(32).build(), Fixtures.model("resnet"), null);
        Path out = Files.createDirectories(dir.resolve("out"));
        RunExecution.Infrastructure infra = new RunExecution.Infrastructure(new FakeBoard(),
                new ModelStore(dir.resolve("models")), "http://fake-board/models/", dir.resolve("cache"),
                Duration.ofSeconds(1));

        RunExecution.Outcome outcome = RunExecution.run("run-1", prepared,
                new SigmaQuantAllocator(SigmaQuantOptions.defaults()), infra, LoopRecorder.NONE, List.of(), it -> { },
                out);

        assertThat(outcome.report().converged()).as(outcome.report().reason()).isTrue();
        assertThat(outcome.calibration().source()).isEqualTo(ActivationCalibration.Source.GENERATED);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("activationCalibration").asText()).isEqualTo("generated");
        assertThat(report.get("activationCalibrationInputs").asInt()).isEqualTo(512);
        assertThat(report.get("accuracyClaimed").asBoolean(true)).isFalse();
        assertThat(report.get("note").asText()).contains("generated inputs", "no accuracy is claimed");
        assertThat(report.get("converged").asBoolean()).isTrue(); // the loop's own fields are still there
        // integer activations: the exported model quantizes activation tensors, calibrated on the generated inputs
        assertThat(OnnxModels.load(out.resolve("model.onnx")).getGraph().getNodeList())
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
    }
}
