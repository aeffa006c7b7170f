package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sigmaquant.controller.bench.TradeoffBenchmark;
import io.sigmaquant.controller.bench.TradeoffPoint;
import io.sigmaquant.controller.files.JsonFiles;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy–size front a run with labelled evaluation images writes after it ends. */
class RunTradeoffTest {
    private static final RunRequest REQUEST = RunRequest.builder("x86-64-generic").maxSizeBytes(40_960.0).build();

    @TempDir
    Path dir;

    @Test
    void hasEvalImages_runWithoutData_isFalse() {
        assertThat(RunTradeoff.hasEvalImages(PreparedRun.check(REQUEST, Fixtures.model("resnet"), null))).isFalse();
    }

    /** Verifies that tradeoff.json holds TradeoffBenchmark's levels for the same inputs, and the chosen bits on them. */
    @Test
    void write_runWithData_writesTheBenchmarksFrontAndTheChosenBits() throws Exception {
        // given a run with data and its chosen bits: 8 everywhere, the uniform 8-bit level
        PreparedRun run = PreparedRun.check(REQUEST, Fixtures.model("resnet"), Fixtures.data());
        SensitivityTable table = run.sensitivity(dir.resolve("cache"), RunExecution.SENSITIVITY_IMAGES);
        Map<String, Integer> chosen = new LinkedHashMap<>();
        RunTradeoff.openProblem(run, table).layers().forEach(l -> chosen.put(l, 8));

        // when
        RunTradeoff.write(run, table, chosen, dir, 2);

        // then
        assertThat(RunTradeoff.hasEvalImages(run)).isTrue();
        JsonNode written = JsonFiles.JSON.readTree(dir.resolve(RunTradeoff.FILE).toFile());
        List<TradeoffPoint> expected = TradeoffBenchmark.run(RunTradeoff.openProblem(run, table),
                RunTradeoff.accuracyCheck(run), 2, ProgressReporter.NONE, "test").points();
        assertThat(expected).extracting(TradeoffPoint::uniformBits).contains(8);
        assertThat(written.get("points")).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode level = written.get("points").get(i);
            TradeoffPoint p = expected.get(i);
            assertThat(level.get("uniformBits").asInt()).isEqualTo(p.uniformBits());
            assertSame(level.get("uniform"), p.uniform());
            assertSame(level.get("paper"), p.paper());
            assertSame(level.get("sigmaquant"), p.sigmaquant());
            if ("OPTIMAL".equals(p.exact().status()) && "OPTIMAL".equals(level.get("exact").get("status").asText())) {
                // proven optima: equal objectives (a time-out's best-so-far may differ between two solves)
                assertThat(level.get("exact").get("objective").asDouble()).isEqualTo(p.exact().objective());
            }
            if (p.uniformBits() == 8) {
                assertThat(written.get("chosen").get("bytes").asDouble()).isEqualTo(p.uniform().bytes());
                assertThat(written.get("chosen").get("top1").asDouble()).isEqualTo(p.uniform().top1());
            }
        }
    }

    private static void assertSame(JsonNode written, TradeoffPoint.Measured expected) {
        assertThat(written.get("bytes").asDouble()).isEqualTo(expected.bytes());
        assertThat(written.get("top1").asDouble()).isEqualTo(expected.top1());
        assertThat(written.get("objective").asDouble()).isEqualTo(expected.objective());
    }
}
