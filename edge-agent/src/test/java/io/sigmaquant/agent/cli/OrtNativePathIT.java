package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies {@code --ort-native-path} and {@code --execution-provider} on the packaged agent, in fresh JVMs (ONNX
 * Runtime reads the path once, when it loads). The "own build" is ONNX Runtime's libraries for this machine copied
 * out of its jar: the same version as the agent's Java classes, with the CPU provider only — what a Jetson owner
 * has before building ONNX Runtime with TensorRT.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OrtNativePathIT {
    private static final String WORKER_MAIN = "io.sigmaquant.agent.worker.WorkerMain";

    @TempDir
    Path tmp;

    private static Path agentJar() throws IOException {
        try (var files = Files.list(Fixtures.repoRoot().resolve("edge-agent/target"))) {
            return files.filter(f -> f.getFileName().toString().matches("sigmaquant-edge-agent-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow();
        }
    }

    /** ONNX Runtime's own native folder layout: the two libraries its Java loader needs, side by side. */
    private Path ortBuild(boolean broken) throws IOException {
        String platform = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64" -> "linux-aarch64";
            default -> throw new IllegalStateException("no ONNX Runtime natives for " + System.getProperty("os.arch"));
        };
        Path dir = Files.createDirectories(tmp.resolve(broken ? "broken-build" : "ort-build"));
        for (String lib : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so")) {
            if (broken) {
                Files.writeString(dir.resolve(lib), "not a shared library");
                continue;
            }
            try (InputStream in = OrtEnvironment.class.getResourceAsStream("/ai/onnxruntime/native/" + platform + "/"
                    + lib)) {
                Files.copy(in, dir.resolve(lib));
            }
        }
        return dir;
    }

    private Process startAgent(String brokerUrl, Path ortDir, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", agentJar().toString(), "run", "--broker", brokerUrl,
                "--id", "jetson-1", "--profile", "jetson-orin-nano", "--energy", "estimate", "--cache-dir",
                tmp.resolve("cache").toString(), "--ort-native-path", ortDir.toString(), "--execution-provider",
                "tensorrt"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void run_tensorrtAskedOfABuildWithoutIt_measuresOnTheCpuAndSaysSoInLogCapabilitiesWorkerAndResult()
            throws Exception {
        Path ortDir = ortBuild(false);
        Path log = tmp.resolve("agent.log");
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "observer");
             ModelServer models = new ModelServer()) {
            byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
            String url = models.serve("resnet", resnet);
            Process agent = startAgent(broker.url(), ortDir, log);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> controller.status.containsKey("jetson-1"));
                AgentStatus.Capabilities caps = controller.status.get("jetson-1").capabilities();
                assertThat(caps.executionProviders()).containsExactly("CPU");
                assertThat(caps.executionProvider()).isEqualTo("CPU");

                assertThat(Files.readAllLines(log)).filteredOn(l -> l.contains("execution provider tensorrt"))
                        .singleElement().asString().contains("measuring on the CPU instead", "--ort-native-path");

                // the worker JVM loads ONNX Runtime from the same folder, and measures with the provider chosen
                ProcessHandle worker = agent.descendants().filter(p -> p.info().arguments()
                        .map(a -> List.of(a).contains(WORKER_MAIN)).orElse(false)).findFirst().orElseThrow();
                List<String> workerArgs = List.of(worker.info().arguments().orElseThrow());
                assertThat(workerArgs).contains("-Donnxruntime.native.path=" + ortDir.toAbsolutePath());
                assertThat(workerArgs).containsSubsequence("--execution-provider", "cpu");

                controller.send("jetson-1", Jobs.job("gpu-1", url, resnet, Jobs.inAMinute()));
                Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> controller.results.stream().anyMatch(m ->
                        (m instanceof JobResult r && r.jobId().equals("gpu-1"))
                                || (m instanceof JobError e && "gpu-1".equals(e.jobId()))));
                assertThat(controller.results).filteredOn(m -> m instanceof JobResult r && r.jobId().equals("gpu-1"))
                        .singleElement().extracting(m -> ((JobResult) m).executionProvider()).isEqualTo("CPU");
            } finally {
                agent.descendants().forEach(ProcessHandle::destroyForcibly);
                agent.destroyForcibly();
                agent.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A folder whose libraries do not load proves ONNX Runtime really loads from it, not from the jar. */
    @Test
    void run_ortNativePathWithLibrariesThatDoNotLoad_stopsWithOneLineAndExit2() throws Exception {
        Path ortDir = ortBuild(true);
        Path log = tmp.resolve("agent.log");
        Process agent = startAgent("tcp://127.0.0.1:1", ortDir, log);
        try {
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.exitValue()).isEqualTo(AgentCli.EXIT_BAD_INPUT);
            // the JVM itself may warn about the library's stack guard; what the agent says is one line, no trace
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).filteredOn(l -> l.startsWith("sigmaquant-agent:")).singleElement().asString()
                    .startsWith("sigmaquant-agent: ONNX Runtime did not load from " + ortDir.toAbsolutePath() + ": ");
            assertThat(lines).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
        } finally {
            agent.destroyForcibly();
        }
    }
}
