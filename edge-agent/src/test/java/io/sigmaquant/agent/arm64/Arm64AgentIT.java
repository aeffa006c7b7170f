package io.sigmaquant.agent.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.EmulatedArm64;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.PackagedAgent;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the agent as packaged runs on linux-aarch64: its jar and target/lib in an arm64 Java 17 under
 * QEMU user-mode emulation (ONNX Runtime's own linux-aarch64 natives), its measuring worker started through the
 * same emulator ({@code --worker-launcher}), against a real Mosquitto. Runs in the {@code images} profile, which
 * passes the prepared arm64 root as {@code sigmaquant.base.dir}.
 *
 * <p>The model is {@code models/resnet-w8a8-s8.onnx}: examples/models/resnet.onnx quantized as a Raspberry Pi
 * would get it, 8-bit weights and int8 (signed) activations, written by
 * {@code ./sigmaquant quantize examples/models/resnet.onnx --uniform 8 --activations int8 --activation-type int8
 * --data examples/data --out edge-agent/src/test/resources/models/resnet-w8a8-s8.onnx} (the controller cannot be
 * a dependency of the agent's tests: it depends on them). Its convolutions run as {@code QLinearConv} only on the
 * Arm path: this machine's x86-64 ONNX Runtime runs the same signed model as DequantizeLinear and a float
 * {@code Conv} (the quantizer gives x86 uint8 activations instead), so the op check tells the two apart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Arm64AgentIT {
    private static final String AGENT = "arm64-1";
    private static final String MODEL = "/models/resnet-w8a8-s8.onnx";
    /** Emulated, the JVM starts in 1-2 s and a 28x28 inference takes about 60 ms; the awaits leave room for CI. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void packagedAgent_onEmulatedArm64_announcesAarch64AndRunsInt8ActivationsInIntegerKernels() throws Exception {
        // given the arm64 runtime, a broker, and the Pi's int8 model served over HTTP
        EmulatedArm64 arm64 = EmulatedArm64.fromBaseDir();
        byte[] model = fixture();
        assertThat(activationsOf(model)).as("the fixture's activations").startsWith("int8");
        Path log = tmp.resolve("agent.log");
        try (TestBroker broker = TestBroker.start(); ModelServer models = new ModelServer();
             ControllerClient controller = new ControllerClient(broker.url(), "arm64-controller")) {
            String url = models.serve("resnet-w8a8-s8", model);
            Process agent = start(arm64, broker.url(), log);
            try {
                // when the agent is online and is sent one job
                await(log, () -> !agent.isAlive() || AgentStatus.ONLINE.equals(stateOf(controller)));
                assertThat(agent.isAlive()).as(() -> "agent exited: " + tail(log)).isTrue();
                AgentStatus.Capabilities caps = controller.status.get(AGENT).capabilities();
                assertThat(caps.arch()).isEqualTo("aarch64");
                assertThat(caps.simulated()).isFalse();

                controller.send(AGENT, job(url, model));
                await(log, () -> !controller.of(JobResult.class).isEmpty() || !controller.of(JobError.class).isEmpty());

                // then it measured the model on arm64, every convolution in an integer kernel
                assertThat(controller.of(JobError.class)).as(() -> "agent log: " + tail(log)).isEmpty();
                JobResult r = controller.of(JobResult.class).get(0);
                assertThat(r.agentId()).isEqualTo(AGENT);
                assertThat(r.simulated()).isFalse();
                assertThat(r.modelSha256()).isEqualTo(ModelServer.sha256(model));
                assertThat(r.latency().runs()).isGreaterThanOrEqualTo(3);
                assertThat(r.latency().medianMs()).isPositive();
                List<String> ops = r.nodes().stream().map(JobResult.NodeTime::op).toList();
                assertThat(ops).as("profiled ops").contains("QLinearConv").doesNotContain("Conv");
            } finally {
                stop(agent);
            }
        }
    }

    /** The packaged jar in the arm64 JVM; posix_spawn would exec the arm64 jspawnhelper, which the kernel cannot. */
    private Process start(EmulatedArm64 arm64, String brokerUrl, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(arm64.launcher());
        cmd.addAll(List.of(arm64.java().toString(), "-Djdk.lang.Process.launchMechanism=FORK",
                "-jar", PackagedAgent.jar().toString(), "run", "--broker", brokerUrl, "--id", AGENT,
                "--profile", "raspberry-pi-5", "--energy", "estimate", "--cache-dir", tmp.resolve("cache").toString(),
                "--worker-launcher", String.join(" ", arm64.launcher())));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void stop(Process agent) throws InterruptedException {
        List<ProcessHandle> children = agent.descendants().toList();
        agent.destroy(); // SIGTERM: the agent says offline and stops its worker
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static MeasurementJob job(String url, byte[] model) {
        return new MeasurementJob(Messages.SCHEMA_VERSION, null, "corr-arm64", "arm64-job", 1,
                new MeasurementJob.ModelRef(url, ModelServer.sha256(model), model.length),
                new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                // few runs: emulated, each one is a few hundred times slower than on this machine
                new MeasurementJob.Settings(1, 1, 3, 0, true, 1_000, 0),
                System.currentTimeMillis() + PATIENCE.toMillis(), List.of());
    }

    /** Awaits the condition; on a timeout the failure shows the agent's log, the only witness of what it did. */
    private static void await(Path log, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(PATIENCE).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; agent log:\n" + tail(log), e);
        }
    }

    private static String stateOf(ControllerClient controller) {
        AgentStatus s = controller.status.get(AGENT);
        return s == null ? null : s.state();
    }

    private static byte[] fixture() throws IOException {
        try (InputStream in = Arm64AgentIT.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IOException("missing test resource " + MODEL);
            }
            return in.readAllBytes();
        }
    }

    /** What the quantizer wrote in the model's metadata about its activations, read here by ONNX Runtime. */
    private static String activationsOf(byte[] model) throws Exception {
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model)) {
            return s.getMetadata().getCustomMetadata().getOrDefault("sigmaquant.quantization.activations", "");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
