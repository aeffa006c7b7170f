package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the sensitivity and allocate commands end to end on the ResNet fixture. */
class CliAllocateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CACHE = "target/sensitivity-cache";

    @TempDir
    Path tmp;

    private static CliRun allocate(Object... extra) {
        Object[] base = {"allocate", Fixtures.model("resnet"), "--profile", "x86-64-generic", "--data", Fixtures.data(),
                "--cache-dir", CACHE};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.of(all);
    }

    @Test
    void allocate_sizeBudget_jsonHasTheDocumentedKeysAndOutFeedsQuantize() throws Exception {
        Path config = tmp.resolve("bits.json");
        CliRun run = allocate("--max-size", "30KiB", "--json", "--out", config);
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        for (String key : new String[] {"method", "bits", "objective", "elapsedMs", "status"}) {
            assertThat(r.has(key)).as(key).isTrue();
        }
        for (String key : new String[] {"sizeBytes", "latencyMs", "energyMj"}) {
            assertThat(r.get("predicted").get(key).isNumber()).as(key).isTrue();
        }
        assertThat(r.get("bits")).hasSize(10);
        assertThat(r.get("predicted").get("sizeBytes").asDouble()).isLessThanOrEqualTo(30 * 1024);

        Path q = tmp.resolve("q.onnx");
        CliRun quantize = CliRun.of("quantize", Fixtures.model("resnet"), "--config", config, "--out", q, "--json");
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();
        JsonNode written = JSON.readTree(quantize.out());
        assertThat(written.get("packedBytes").asDouble()).isEqualTo(r.get("predicted").get("sizeBytes").asDouble());
    }

    @Test
    void allocate_exactMethod_reportsOptimalAndIsNoWorseThanSigmaQuant() throws Exception {
        JsonNode exact = JSON.readTree(allocate("--max-size", "30KiB", "--method", "exact", "--json").out());
        JsonNode heuristic = JSON.readTree(allocate("--max-size", "30KiB", "--json").out());
        assertThat(exact.get("status").asText()).isEqualTo("OPTIMAL");
        assertThat(exact.get("objective").asDouble()).isLessThanOrEqualTo(heuristic.get("objective").asDouble() * (1 + 1e-6));
    }

    @Test
    void allocate_budgetBelowAnyAllocation_everyMethodNamesTheSmallestAchievableAndWritesNothing() {
        for (String method : new String[] {"sigmaquant", "sigmaquant-paper", "exact", "uniform:2"}) {
            Path out = tmp.resolve(method.replace(':', '-') + ".json");
            CliRun run = allocate("--max-size", "1KiB", "--method", method, "--out", out);
            assertThat(run.exitCode()).as(method).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
            assertThat(run.err().strip()).as(method).contains("--max-size", "smallest achievable").doesNotContain("\n");
            assertThat(out).as(method).doesNotExist();
        }
    }

    @Test
    void allocate_minimiseSizeUnderAccuracyFloor_keepsTheMeasuredDrop() throws Exception {
        CliRun run = allocate("--minimize", "size", "--max-accuracy-drop", "1.0", "--limit", "500", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("gate").get("drop").asDouble()).isLessThanOrEqualTo(1.0);
        assertThat(r.get("gate").get("samples").asInt()).isEqualTo(500);
        long floatBytes = 4L * Fixtures.manifest("resnet").get("foldedParams").asLong();
        assertThat(r.get("predicted").get("sizeBytes").asDouble()).isLessThan(floatBytes / 4.0);
        assertThat(r.get("search")).isNotEmpty();
    }

    @Test
    void allocate_accuracyLimitTheBudgetCannotKeep_isRefused() {
        CliRun run = allocate("--max-size", "24KiB", "--max-accuracy-drop", "0", "--limit", "300");
        assertThat(run.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("accuracy target not met");
    }

    @Test
    void allocate_unknownProfileOrBadFlag_isRefusedInOneLine() throws Exception {
        CliRun unknown = CliRun.of("allocate", Fixtures.model("resnet"), "--profile", "raspberry-pi-9");
        assertThat(unknown.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(unknown.err()).contains("raspberry-pi-4");
        Path broken = tmp.resolve("my-board.yaml");
        Files.writeString(broken, "id: my-board\nname: x\n");
        CliRun malformed = CliRun.of("allocate", Fixtures.model("resnet"), "--profile", broken);
        assertThat(malformed.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(malformed.err().strip()).contains("my-board.yaml").contains("hardware").doesNotContain("\n");
        CliRun size = allocate("--max-size", "12 parsecs");
        assertThat(size.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(size.err()).contains("parsecs");
        CliRun method = allocate("--method", "annealing");
        assertThat(method.err()).contains("--method");
    }

    @Test
    void allocate_profileOverlayFromTheClosedLoop_usesTheCalibratedLatencies() throws Exception {
        Path overlay = tmp.resolve("cost-model.json");
        // a board where integer layers cost 1 ms each and float ones 3 ms: what a loop could have measured
        Files.writeString(overlay, "{\"deviceClass\":\"x86-64-generic\",\"latencyFits\":{"
                + "\"w8a8\":{\"secondsPerMac\":0,\"secondsPerWeightByte\":0,\"secondsPerActivationByte\":0,"
                + "\"secondsPerLayer\":0.001,\"observations\":20,\"heldOutMedianApe\":0.05},"
                + "\"fp32\":{\"secondsPerMac\":0,\"secondsPerWeightByte\":0,\"secondsPerActivationByte\":0,"
                + "\"secondsPerLayer\":0.003,\"observations\":10,\"heldOutMedianApe\":0.05}},"
                + "\"remainderMs\":0.5,\"formatSwitchMs\":0}");
        CliRun run = CliRun.of("allocate", Fixtures.model("resnet"), "--profile", overlay, "--data", Fixtures.data(),
                "--cache-dir", CACHE, "--max-size", "30KiB", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        long intLayers = 0;
        for (JsonNode b : r.get("bits")) {
            intLayers += b.asInt() <= 8 ? 1 : 0;
        }
        double expected = 0.5 + intLayers * 1.0 + (10 - intLayers) * 3.0;
        assertThat(r.get("predicted").get("latencyMs").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get("costModel").asText()).contains("calibrated");

        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"deviceClass\":\"x86-64-generic\",\"latencyFits\":{\"w9a9\":{}}}");
        CliRun bad = CliRun.of("allocate", Fixtures.model("resnet"), "--profile", broken);
        assertThat(bad.exitCode()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("w9a9");
    }

    @Test
    void sensitivity_json_listsSigmaAndKlPerBitwidth() throws Exception {
        CliRun run = CliRun.of("sensitivity", Fixtures.model("resnet"), "--mode", "weights", "--bits", "2,8",
                "--cache-dir", CACHE, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("mode").asText()).isEqualTo("weights");
        JsonNode first = r.get("layers").get(0);
        assertThat(first.get("sigma").asDouble()).isPositive();
        assertThat(first.get("kl").get("2").asDouble()).isGreaterThan(first.get("kl").get("8").asDouble());
    }
}
