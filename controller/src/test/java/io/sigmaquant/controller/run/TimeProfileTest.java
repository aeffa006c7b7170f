package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.loop.IterationKind;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run's time on the board: node times summed per operator kind, float beside the last iteration. */
class TimeProfileTest {
    private static final Map<String, Integer> FLOAT = Map.of("a", 32, "b", 32);
    private static final Map<String, Integer> MIXED = Map.of("a", 8, "b", 32);

    /** Verifies that node times are summed per operator kind in ms, the largest kind first. */
    @Test
    void sideOf_nodesOfSeveralKinds_sumsPerKindLargestFirst() {
        JobResult r = result(false, new JobResult.NodeTime("c1", "Conv", "CPU", 1500),
                new JobResult.NodeTime("q1", "DequantizeLinear", "CPU", 200),
                new JobResult.NodeTime("c2", "Conv", "CPU", 500), new JobResult.NodeTime("x", null, "CPU", 100));

        TimeProfile.Side side = TimeProfile.Side.of(3, IterationKind.CANDIDATE, r, null);

        assertThat(side.msByOp()).containsExactly(Map.entry("Conv", 2.0), Map.entry("DequantizeLinear", 0.2),
                Map.entry("?", 0.1));
        assertThat(side.totalMs()).isEqualTo(2.3, offset(1e-9));
        assertThat(side.nodes()).isEqualTo(4);
        assertThat(side.iteration()).isEqualTo(3);
        assertThat(side.msByLayer()).isEmpty();
        assertThat(side.otherMs()).isNull();
    }

    /** Verifies that an attribution's per-layer and unattributed time are kept in ms. */
    @Test
    void sideOf_attributed_keepsTimePerLayerAndTheRest() {
        JobResult r = result(false, new JobResult.NodeTime("c1", "Conv", "CPU", 1500));
        NodeAttribution.Attribution a = new NodeAttribution.Attribution(Map.of("/stem/Conv", 1200.0), 300);

        TimeProfile.Side side = TimeProfile.Side.of(1, IterationKind.CALIBRATION, r, a);

        assertThat(side.msByLayer()).containsExactly(Map.entry("/stem/Conv", 1.2));
        assertThat(side.otherMs()).isEqualTo(0.3, offset(1e-12));
    }

    /**
     * Verifies that the first all-float iteration stays the float side, that the last iteration the loop learns
     * from is the candidate side, and that a benchmark measurement is neither.
     */
    @Test
    void with_iterationsInOrder_keepsFirstFloatAndLastLoopIteration() {
        JobResult floatRun = result(false, new JobResult.NodeTime("a", "Conv", "CPU", 4000));
        JobResult quantized = result(false, new JobResult.NodeTime("a", "QLinearConv", "CPU", 1000));

        TimeProfile p = TimeProfile.NONE.with(1, IterationKind.CALIBRATION, FLOAT, floatRun, null)
                .with(2, IterationKind.CALIBRATION, FLOAT, quantized, null)
                .with(3, IterationKind.CANDIDATE, MIXED, quantized, null)
                .with(4, IterationKind.HELD_OUT, MIXED, floatRun, null);

        assertThat(p.floatModel().iteration()).isEqualTo(1);
        assertThat(p.floatModel().msByOp()).containsExactly(Map.entry("Conv", 4.0));
        assertThat(p.candidate().iteration()).isEqualTo(3);
        assertThat(p.candidate().kind()).isEqualTo(IterationKind.CANDIDATE);
        assertThat(p.candidate().msByOp()).containsExactly(Map.entry("QLinearConv", 1.0));
    }

    /** Verifies that a resumed run's earlier measurements give the profile it had, numbered from 1. */
    @Test
    void of_earlierMeasurements_replaysThemInOrder() {
        List<PastMeasurement> earlier = List.of(
                new PastMeasurement(IterationKind.CALIBRATION, FLOAT, result(true,
                        new JobResult.NodeTime("a", "fp32", "simulated:x", 3000)), "agent", 3.0),
                new PastMeasurement(IterationKind.CANDIDATE, MIXED, result(true,
                        new JobResult.NodeTime("a", "int8", "simulated:x", 1000)), "agent", 1.0));

        TimeProfile p = TimeProfile.of(earlier);

        assertThat(p.floatModel().iteration()).isEqualTo(1);
        assertThat(p.floatModel().simulated()).isTrue();
        assertThat(p.candidate().iteration()).isEqualTo(2);
        assertThat(p.candidate().msByOp()).containsExactly(Map.entry("int8", 1.0));
    }

    /** Verifies that a result without node times gives a side with no nodes rather than no side. */
    @Test
    void sideOf_noNodes_isAnEmptySide() {
        TimeProfile.Side side = TimeProfile.Side.of(1, IterationKind.CALIBRATION, result(false), null);

        assertThat(side.nodes()).isZero();
        assertThat(side.msByOp()).isEmpty();
    }

    private static JobResult result(boolean simulated, JobResult.NodeTime... nodes) {
        JobResult.Latency latency = new JobResult.Latency(10, 1, 1, 1, 1, 0, 10);
        JobResult.Energy energy = new JobResult.Energy("estimate", true, 1, 1, 0, null);
        return new JobResult(Messages.SCHEMA_VERSION, null, "corr", "agent", "job", 1, "0".repeat(64), simulated,
                latency, List.of(nodes), energy, 0, null, null, "1.0", 1);
    }
}
