package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the README's main command through the real {@code ./sigmaquant} launcher in a child process. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LauncherIT {
    private record Result(int exit, String out, String err) {
    }

    private static Result launch(String... args) throws IOException, InterruptedException {
        Path root = Fixtures.repoRoot();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("sigmaquant").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        p.waitFor();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * The README's main job: {@code ./sigmaquant demo} with nothing else running (embedded broker, in-process
     * agent, bundled fixture) runs the loop and prints the final table.
     */
    @Test
    void sigmaquantDemo_nothingElseRunning_runsTheLoopAndPrintsTheFinalTable(@TempDir Path out) throws Exception {
        Result r = launch("demo", "--out", out.toString());
        // 0 when it converged, 3 when the iteration limit was reached on a noisy machine: both are a finished demo
        assertThat(r.exit()).as(r.err()).isIn(0, 3);
        assertThat(r.err()).contains("[1] calibration", "[4] ");
        assertThat(r.out()).contains("predicted ms", "measured ms", "/fc/Gemm", "demo took");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode first = report.get("iterations").get(0);
        first.get("bits").elements().forEachRemaining(b -> assertThat(b.asInt()).isEqualTo(32));
        assertThat(report.get("iterations").size()).isGreaterThanOrEqualTo(4);
        if (r.exit() == 0) {
            assertThat(out.resolve("model.onnx")).exists();
        }
    }

    @Test
    void sigmaquantInspect_fixture_printsTotalsAsPyTorchCountedThem() throws Exception {
        Result r = launch("inspect", "examples/models/resnet.onnx", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertThat(report.get("totalParams").asLong()).isEqualTo(Fixtures.manifest("resnet").get("foldedParams").asLong());
    }

    @Test
    void sigmaquantInspect_notAModel_exitsTwoWithOneLine() throws Exception {
        Result r = launch("inspect", "pom.xml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("sigmaquant: ").doesNotContain("\n");
    }
}
