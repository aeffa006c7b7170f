package io.sigmaquant.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.controller.testing.ImageProcess;
import io.sigmaquant.controller.testing.UnpackedImage;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies that the built image tars start, with no container engine: each is unpacked layer by layer and its
 * entrypoint started chrooted as its user (ImageProcess), arm64 through QEMU user-mode emulation. Runs in the
 * Maven profile {@code images}, which builds the tars and passes their paths.
 */
@Tag("images")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ImagesStartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** An emulated JVM compiles slowly: C1 alone starts the controller in about half the time under QEMU. */
    private static final Map<String, String> EMULATED_JVM = Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
    /**
     * An emulated JVM cannot start child processes: without binfmt registration the host kernel cannot exec an
     * arm64 program (the JDK's jspawnhelper, then the agent's measuring worker), so under QEMU the agent measures
     * in its own process, as it can on a board. On a real arm64 host this is not needed.
     */
    private static final Map<String, String> EMULATED_AGENT = Map.of("SIGMAQUANT_MEASURE_IN_PROCESS", "true");
    /** Generous: the arm64 controller takes 20-100 s to start under QEMU on 2 shared cores. */
    private static final Duration START = Duration.ofMinutes(4);

    @BeforeAll
    static void basesArePrepared() {
        String base = System.getProperty("sigmaquant.base.dir");
        assertThat(base).as("system property sigmaquant.base.dir (set by the Maven profile 'images')").isNotNull();
        assertThat(Path.of(base, "base-amd64.tar")).as("run docker/base/prepare.sh first").isRegularFile();
        assertThat(Path.of(base, "base-arm64.tar")).as("run docker/base/prepare.sh first").isRegularFile();
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void controllerImage_started_answersHealthzAndStopsOnSigterm(String arch, @TempDir Path dir) throws Exception {
        UnpackedImage image = UnpackedImage.unpack(tar("controller", arch), dir);
        assertThat(image.architecture()).isEqualTo(arch);
        assertThat(image.user()).isEqualTo("10001");
        int http = TestBroker.freePort();
        // the image listens on 0.0.0.0 and so refuses to start without TLS; loopback is allowed open
        Map<String, String> env = withEmulation(arch, Map.of("SIGMAQUANT_HTTP_HOST", "127.0.0.1",
                "SIGMAQUANT_MQTT_HOST", "127.0.0.1", "SIGMAQUANT_HTTP_PORT", Integer.toString(http),
                "SIGMAQUANT_MQTT_PORT", Integer.toString(TestBroker.freePort())));

        try (ImageProcess controller = ImageProcess.start(image, env, null, dir.resolve("controller.log"))) {
            await().atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(controller.isAlive()).as(controller::outputTail).isTrue();
                return healthz(http);
            });
            // its embedded store went where the image says, writable by the image's user
            assertThat(image.root().resolve("var/lib/sigmaquant")).isDirectoryContaining("glob:**/sigmaquant.mv.db");

            controller.terminate();

            // the JVM's answer to SIGTERM once its shutdown hook (closing service, broker and store) has run
            assertThat(controller.awaitExit(120)).as(controller::outputTail).contains(143);
        }
    }

    @Test
    void controllerImage_itsDefaultsWithoutTls_refuseToServeOpen(@TempDir Path dir) throws Exception {
        UnpackedImage image = UnpackedImage.unpack(tar("controller", "amd64"), dir);
        Map<String, String> ports = Map.of("SIGMAQUANT_HTTP_PORT", Integer.toString(TestBroker.freePort()),
                "SIGMAQUANT_MQTT_PORT", Integer.toString(TestBroker.freePort()));

        try (ImageProcess controller = ImageProcess.start(image, ports, null, dir.resolve("controller.log"))) {
            assertThat(controller.awaitExit(120)).as(controller::outputTail).contains(SigmaQuantCli.EXIT_BAD_INPUT);
            assertThat(controller.output()).contains("0.0.0.0", "--insecure");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void agentImage_started_printsVersionAndAnnouncesItselfOnline(String arch, @TempDir Path dir) throws Exception {
        UnpackedImage image = UnpackedImage.unpack(tar("agent", arch), dir);
        assertThat(image.architecture()).isEqualTo(arch);
        try (ImageProcess version = ImageProcess.start(image, withEmulation(arch, Map.of()), List.of("--version"),
                dir.resolve("version.log"))) {
            assertThat(version.awaitExit(120)).as(version::outputTail).contains(0);
            assertThat(version.output()).contains("sigmaquant-agent 0.1.0");
        }
        String id = "image-" + arch;
        String profile = arch.equals("arm64") ? "raspberry-pi-4" : "x86-64-generic";
        int metrics = TestBroker.freePort();
        MessageCodec codec = new MessageCodec();

        try (TestBroker broker = TestBroker.start();
             MqttRecorder fleet = new MqttRecorder(broker.url(), "watcher-" + arch, true, 0)
                     .subscribe(Topics.status(id))) {
            // settings as a compose file gives them: variables only, the image's Cmd unchanged
            Map<String, String> env = withEmulation(arch, Map.of("SIGMAQUANT_BROKER", broker.url(),
                    "SIGMAQUANT_ID", id, "SIGMAQUANT_PROFILE", profile, "SIGMAQUANT_METRICS_PORT",
                    Integer.toString(metrics)));
            if (arch.equals("arm64")) {
                env.putAll(EMULATED_AGENT);
            }
            try (ImageProcess agent = ImageProcess.start(image, env, null, dir.resolve("agent.log"))) {
                await().atMost(START).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(agent.isAlive()).as(agent::outputTail).isTrue();
                    assertThat(statuses(fleet, codec)).anySatisfy(s -> assertThat(s.state()).isEqualTo(AgentStatus.ONLINE));
                });
                AgentStatus online = statuses(fleet, codec).stream().filter(s -> s.state().equals(AgentStatus.ONLINE))
                        .findFirst().orElseThrow();
                // os.arch inside the image: the emulated JVM reports the board's architecture
                assertThat(online.capabilities().arch()).isEqualTo(arch.equals("arm64") ? "aarch64" : "amd64");
                assertThat(get(metrics, "/metrics").statusCode()).isEqualTo(200);

                agent.terminate();

                // the JVM's answer to SIGTERM once its shutdown hook (offline status, disconnect) has run
                assertThat(agent.awaitExit(120)).as(agent::outputTail).contains(143);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statuses(fleet, codec))
                        .last().extracting(AgentStatus::state).isEqualTo(AgentStatus.OFFLINE));
            }
        }
    }

    private static Path tar(String image, String arch) {
        String path = System.getProperty("sigmaquant.image." + image + "." + arch);
        assertThat(path).as("system property sigmaquant.image.%s.%s (set by the Maven profile 'images')", image, arch)
                .isNotNull();
        return Path.of(path);
    }

    private static Map<String, String> withEmulation(String arch, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        if (arch.equals("arm64")) {
            all.putAll(EMULATED_JVM);
        }
        return all;
    }

    private static List<AgentStatus> statuses(MqttRecorder fleet, MessageCodec codec) {
        return fleet.received.stream().map(m -> codec.decode(m.payload(), AgentStatus.class)).toList();
    }

    private static boolean healthz(int port) throws InterruptedException {
        try {
            HttpResponse<String> r = get(port, "/healthz");
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode body = JSON.readTree(r.body());
            return body.path("status").asText().equals("ok");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
