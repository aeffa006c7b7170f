package io.sigmaquant.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.energy.EstimatedEnergyMeter;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.agent.testing.Boards;
import io.sigmaquant.agent.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ONNX Runtime sessions on the fixture models; asserts the plumbing, never how fast anything ran. */
class MeasurerTest {
    @TempDir
    Path work;

    private Measurer measurer() {
        return new Measurer(new EstimatedEnergyMeter(2), new SystemProbe(Path.of("/"), Boards.NO_COMMANDS), Clock.SYSTEM,
                work);
    }

    private static Measurer.Target target(String name) {
        return new Measurer.Target(Fixtures.model(name), new long[] {1, 1, 28, 28}, 1 / 255.0, 0.286, 0.353);
    }

    private static MeasurementSettings settings() {
        return MeasurementSettings.builder().threads(1).warmupRuns(2).minRuns(12).minDurationMs(20)
                .maxDurationMs(300).profiledRuns(2).build();
    }

    private static void assertIntervalAroundTheMedian(LatencyStats s) {
        assertThat(s.medianCi().low()).isLessThanOrEqualTo(s.medianMs());
        assertThat(s.medianCi().high()).isGreaterThanOrEqualTo(s.medianMs());
        assertThat(s.medianCi().low()).isGreaterThan(0);
    }

    @Test
    void measure_realModel_reportsTheMedianWithItsInterval() {
        Measurement m = measurer().measure(target("resnet"), settings(), p -> { }, () -> false);
        assertThat(m.latency().runs()).isGreaterThanOrEqualTo(12);
        assertIntervalAroundTheMedian(m.latency());
        assertThat(m.ciTargetReached()).isEqualTo(m.latency().relativeHalfWidth() <= 0.02);
        assertThat(m.nodes()).isNotEmpty();
    }

    @Test
    void measurePaired_twoRealModels_measuresBothInRoundsWithARatioInsideItsInterval() {
        List<String> phases = new ArrayList<>();
        PairedMeasurement p = measurer().measurePaired(target("resnet"), target("vgg"), settings(), phases::add,
                () -> false);
        assertThat(phases).containsExactly("warming-up", "measuring", "profiling");
        assertThat(p.candidate().latency().runs()).isGreaterThanOrEqualTo(12);
        assertThat(p.reference().samplesMs().length).isGreaterThanOrEqualTo(12);
        assertThat(p.ratio().rounds()).isGreaterThanOrEqualTo(PairedRounds.MIN_ROUNDS);
        assertIntervalAroundTheMedian(p.candidate().latency());
        assertIntervalAroundTheMedian(p.reference().stats());
        assertThat(p.ratio().ratio()).isPositive();
        assertThat(p.ratio().ci().low()).isLessThanOrEqualTo(p.ratio().ratio());
        assertThat(p.ratio().ci().high()).isGreaterThanOrEqualTo(p.ratio().ratio());
        // node times are the candidate's only: resnet has shortcut convolutions, vgg has none
        assertThat(p.candidate().nodes()).anyMatch(n -> n.node().contains("shortcut"));
        assertThat(p.candidate().energy().note()).contains("paired");
    }
}
