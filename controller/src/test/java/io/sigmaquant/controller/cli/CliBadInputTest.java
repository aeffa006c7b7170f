package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.testing.Fixtures;
import io.sigmaquant.controller.testing.TestGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that every kind of bad input gets one line on stderr, exit status 2, and leaves no file behind.
 */
class CliBadInputTest {
    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("out").resolve("q.onnx");
    }

    private void assertRefused(CliRun run, String... fragments) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(SigmaQuantCli.EXIT_BAD_INPUT);
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("sigmaquant: ").contains(fragments);
        assertThat(run.out()).isEmpty();
        Path dir = out().getParent();
        if (Files.exists(dir)) {
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).as("files left behind").isEmpty();
            }
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Picocli would print its message and the whole usage; the rule above is one line for every bad input. */
    @Test
    void quantize_unknownFlagOrBadValue_isOneLine() throws Exception {
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--no-such-flag", "--out", out()),
                "--no-such-flag");
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", "eight", "--out", out()),
                "--uniform", "'eight'");
    }

    @Test
    void serve_mqttPortTaken_isRefusedNamingTheFlag() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertRefused(CliRun.of("serve", "--data-dir", tmp.resolve("data"), "--http-port", 0, "--mqtt-port",
                    taken.getLocalPort()), "cannot listen", "--mqtt-port");
        }
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void optimize_serverNotRunningOrBothModes_isRefused() throws Exception {
        int free;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        }
        assertRefused(CliRun.of("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic", "--server",
                "http://127.0.0.1:" + free, "--max-size", "40KiB", "--out", tmp.resolve("o")), "cannot reach the server");
        assertRefused(CliRun.of("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic", "--server",
                "http://127.0.0.1:1", "--broker", "tcp://127.0.0.1:1", "--max-size", "40KiB", "--out", tmp.resolve("o")),
                "--server", "--broker");
        assertRefused(CliRun.of("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic", "--server",
                "ftp://host", "--max-size", "40KiB", "--out", tmp.resolve("o")), "http(s) URL");
    }

    /** The same check refuses a run over HTTP naming the size budget (ServiceApiTest); here it names the flag. */
    @Test
    void optimize_outputsModeWithoutData_isRefused() throws Exception {
        assertRefused(CliRun.of("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic", "--broker",
                "tcp://127.0.0.1:1", "--max-size", "40KiB", "--mode", "outputs", "--out", out().getParent()),
                "outputs-mode sensitivity needs calibration images");
    }

    @Test
    void optimize_sizeBelowTheSmallestModel_isRefusedNamingTheFlag() throws Exception {
        assertRefused(CliRun.of("optimize", Fixtures.model("resnet"), "--device-class", "x86-64-generic", "--broker",
                "tcp://127.0.0.1:1", "--max-size", "1KiB", "--data", Fixtures.data(), "--out", tmp.resolve("o")),
                "--max-size 1024 bytes is below the smallest model");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void quantize_fileThatIsNotOnnx_isRefused() throws Exception {
        Path notOnnx = write("picture.onnx", "GIF89a not a model at all".repeat(10).getBytes());
        assertRefused(CliRun.of("quantize", notOnnx, "--uniform", 8, "--out", out()), "picture.onnx", "ONNX");
    }

    @Test
    void inspect_truncatedModel_isRefused() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.model("resnet"));
        Path cut = write("cut.onnx", Arrays.copyOf(whole, whole.length - 1000));
        assertRefused(CliRun.of("inspect", cut), "cut.onnx");
    }

    @Test
    void quantize_modelOpsetOutOfRange_isRefused() throws Exception {
        ModelProto m = OnnxModels.load(Fixtures.model("resnet"));
        ModelProto old = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(11)).build();
        Path f = write("old.onnx", old.toByteArray());
        assertRefused(CliRun.of("quantize", f, "--uniform", 8, "--out", out()), "opset 11");
    }

    @Test
    void quantize_targetOpsetOutOfRangeOrLower_isRefused() throws Exception {
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 8, "--opset", 22, "--out", out()),
                "--opset 22");
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 8, "--opset", 14, "--out", out()),
                "below");
    }

    @Test
    void inspect_modelWithoutQuantizableLayer_isRefused() throws Exception {
        ModelProto m = new TestGraphs().input("x", -1, 4).output("y", -1, 4)
                .node("Relu", "relu", new String[] {"x"}, new String[] {"y"}).model(17);
        assertRefused(CliRun.of("inspect", write("relu.onnx", m.toByteArray())), "no quantizable layer");
    }

    @Test
    void quantize_configNamingUnknownLayer_isRefused() throws Exception {
        Path config = write("bits.json", "{\"bits\": {\"/no/such/Conv\": 4}}".getBytes());
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--config", config, "--out", out()),
                "unknown layer '/no/such/Conv'");
    }

    @Test
    void quantize_bitwidthOutsideAllowed_isRefused() throws Exception {
        Path config = write("bits.json", "{\"bits\": {\"/fc/Gemm\": 9}}".getBytes());
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--config", config, "--out", out()),
                "bitwidth 9");
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 1, "--out", out()), "--uniform 1");
    }

    @Test
    void quantize_configNotJson_isRefused() throws Exception {
        Path config = write("bits.json", "bits: 4".getBytes());
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--config", config, "--out", out()), "JSON");
    }

    @Test
    void evaluate_dataThatDoesNotFitTheModel_isRefused() throws Exception {
        ModelProto rgb = new TestGraphs().input("x", -1, 3, 8, 8).output("y", -1, 4)
                .randomInitializer("w", 4, 3, 8, 8)
                .node("Conv", "conv", new String[] {"x", "w"}, new String[] {"c"})
                .node("Flatten", "flat", new String[] {"c"}, new String[] {"y"}).model(17);
        Path f = write("rgb.onnx", rgb.toByteArray());
        assertRefused(CliRun.of("evaluate", f, "--data", Fixtures.data()), "[1, 28, 28]", "[?, 3, 8, 8]");
    }

    @Test
    void quantize_int8ActivationsWithoutData_isRefused() throws Exception {
        assertRefused(CliRun.of("quantize", Fixtures.model("resnet"), "--uniform", 8, "--activations", "int8",
                "--out", out()), "--data");
    }

    @Test
    void evaluate_missingDataFolder_isRefused() throws Exception {
        assertRefused(CliRun.of("evaluate", Fixtures.model("resnet"), "--data", tmp.resolve("nowhere")), "not found");
    }

    /** Verifies the all-NaN model: inspect, quantize and evaluate refuse it in one line naming the weight. */
    @Test
    void inspectQuantizeEvaluate_nonFiniteWeight_isRefusedNamingTheInitializer() throws Exception {
        Path f = tmp.resolve("nan.onnx");
        String initializer = Fixtures.withNaNWeight(f);

        assertRefused(CliRun.of("inspect", f), "'" + initializer + "'", "non-finite");
        assertRefused(CliRun.of("quantize", f, "--uniform", 8, "--out", out()), "'" + initializer + "'");
        assertRefused(CliRun.of("evaluate", f, "--data", Fixtures.data()), "'" + initializer + "'");
    }

    @Test
    void serve_nonLoopbackWithoutTls_isRefusedSayingWhatToGive() throws Exception {
        assertRefused(CliRun.of("serve", "--data-dir", tmp.resolve("data"), "--http-host", "0.0.0.0", "--http-port", 0,
                "--mqtt-port", 0), "0.0.0.0", "--tls-bundle", "--insecure");
        assertThat(tmp.resolve("data")).doesNotExist();
    }
}
