package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the inspect, quantize and evaluate commands end to end on a fixture. */
class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void inspect_json_hasLayersAndTotals() throws Exception {
        CliRun run = CliRun.of("inspect", Fixtures.model("resnet"), "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("layers")).hasSize(10);
        JsonNode first = report.get("layers").get(0);
        for (String key : new String[] {"name", "op", "params", "macs", "sigma"}) {
            assertThat(first.has(key)).as(key).isTrue();
        }
        long sum = 0;
        for (JsonNode l : report.get("layers")) {
            sum += l.get("params").asLong();
        }
        assertThat(report.get("totalParams").asLong()).isEqualTo(sum);
        assertThat(report.get("totalMacs").asLong()).isPositive();
    }

    @Test
    void inspect_table_listsEveryLayerAndTheTotal() {
        CliRun run = CliRun.of("inspect", Fixtures.model("resnet"));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("/stem/stem.0/Conv", "/fc/Gemm", "total", "77,418");
    }

    @Test
    void quantizeThenEvaluate_configFile_writesModelAndReportsBothSizes() throws Exception {
        Path config = tmp.resolve("bits.json");
        Files.writeString(config, "{\"bits\": {\"/stem/stem.0/Conv\": 8, \"/fc/Gemm\": 4}, \"default\": 6}");
        Path out = tmp.resolve("q.onnx");
        CliRun q = CliRun.of("quantize", Fixtures.model("resnet"), "--config", config, "--out", out, "--json");
        assertThat(q.exitCode()).as(q.err()).isZero();
        JsonNode report = JSON.readTree(q.out());
        assertThat(report.get("bits").get("/fc/Gemm").asInt()).isEqualTo(4);
        assertThat(report.get("bits").get("/layer1/conv1/Conv").asInt()).isEqualTo(6);
        assertThat(report.get("fileBytes").asLong()).isEqualTo(Files.size(out));
        assertThat(report.get("packedBytes").asLong()).isLessThan(report.get("fileBytes").asLong());
        // the progress is on stderr, a line per tenth of the 10 layers at most, then the end
        List<String> progress = q.err().lines().filter(l -> l.startsWith("quantize ")).toList();
        assertThat(progress).hasSizeBetween(1, 10);
        assertThat(progress.get(progress.size() - 1)).matches("quantize \\S+: 10/10 \\(\\d+ s\\) done");

        CliRun e = CliRun.of("evaluate", out, "--data", Fixtures.data(), "--json");
        assertThat(e.exitCode()).as(e.err()).isZero();
        JsonNode eval = JSON.readTree(e.out());
        assertThat(eval.get("samples").asInt()).isEqualTo(2000);
        assertThat(eval.get("top1").asDouble()).isBetween(80.0, 100.0);
    }

    @Test
    void quantize_int8Json_reportsCalibrationThenLayersOnStderr() throws Exception {
        CliRun q = CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 8, "--activations", "int8", "--data",
                Fixtures.data(), "--out", tmp.resolve("q8.onnx"), "--json");

        assertThat(q.exitCode()).as(q.err()).isZero();
        assertThat(JSON.readTree(q.out()).get("activations").asText()).isIn("uint8", "int8");
        List<String> lines = q.err().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("quantize resnet.onnx calibration: ")).last().asString()
                .matches("quantize resnet.onnx calibration: (\\d+)/\\1 \\(\\d+ s\\) done");
        assertThat(lines.get(lines.size() - 1)).matches("quantize resnet.onnx: 10/10 \\(\\d+ s\\) done");
    }

    @Test
    void quantize_human_printsPackedAndFileSizeLabelled() {
        CliRun q = CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 4, "--out", tmp.resolve("q4.onnx"));
        assertThat(q.exitCode()).as(q.err()).isZero();
        assertThat(q.out()).contains("packed size:", "file size:", "bytes of ONNX");
    }

    @Test
    void evaluate_preprocessingFlags_overrideTheModelsMetadata() throws Exception {
        CliRun meta = CliRun.of("evaluate", Fixtures.model("resnet"), "--data", Fixtures.data(), "--limit", 300, "--json");
        CliRun flags = CliRun.of("evaluate", Fixtures.model("resnet"), "--data", Fixtures.data(), "--limit", 300,
                "--scale", 1, "--mean", 0, "--std", 1, "--json");
        JsonNode m = JSON.readTree(meta.out());
        JsonNode f = JSON.readTree(flags.out());
        assertThat(m.get("samples").asInt()).isEqualTo(300);
        assertThat(f.get("preprocessing").get("source").asText()).isEqualTo("flags");
        // raw 0..255 pixels instead of normalised ones: the network no longer sees what it was trained on
        assertThat(f.get("top1").asDouble()).isLessThan(m.get("top1").asDouble() - 20);
    }

    @Test
    void evaluate_fullDatasetFolder_isReadWhenInstalled() throws Exception {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(debian),
                "Debian's dataset-fashion-mnist is not installed here");
        CliRun e = CliRun.of("evaluate", Fixtures.model("resnet"), "--data", debian, "--json");
        assertThat(e.exitCode()).as(e.err()).isZero();
        JsonNode eval = JSON.readTree(e.out());
        assertThat(eval.get("samples").asInt()).isEqualTo(10000);
        assertThat(eval.get("top1").asDouble())
                .isCloseTo(Fixtures.manifest("resnet").get("fp32Top1Test10k").asDouble(), within(0.051));
    }
}
