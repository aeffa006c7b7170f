package io.sigmaquant.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.sigmaquant.agent.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the packaged unit works under a real systemd with all its hardening on: the agent comes up
 * as user sigmaquant with no capabilities, no new privileges and the system-call filter, ONNX Runtime runs
 * inferences inside that sandbox, a stop by SIGTERM counts as success, and a crash is restarted.
 * systemd boots in namespaces of its own over a throw-away overlay of this machine's root
 * (systemd-sandbox.sh), so nothing here is installed or started; runs as root, in profile deb.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DebServiceIT {
    private static final String UNIT = "sigmaquant-agent.service";
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final String SERVING = "serving jobs from tcp://127.0.0.1:1883";

    @TempDir
    Path tmp;

    private long init;

    @Test
    void unit_underSystemd_runsSandboxedMeasuresStopsCleanlyAndRestartsAfterACrash() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("DebServiceIT boots systemd in namespaces: run it as root (as CI does), or leave out -Pdeb");
        }
        Path script = Path.of(getClass().getResource("systemd-sandbox.sh").toURI());
        Process sandbox = new ProcessBuilder("bash", script.toString(), BuiltPackage.path().toString(),
                Fixtures.model("resnet").toString(), tmp.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("sandbox.log").toFile()).start();
        try {
            // given: systemd as the namespaces' PID 1, booted to the agent's unit
            Awaitility.await().atMost(BOOT).until(() -> systemdPid(sandbox) > 0 || !sandbox.isAlive());
            assertThat(sandbox.isAlive()).as(Files.readString(tmp.resolve("sandbox.log"))).isTrue();
            init = systemdPid(sandbox);
            // systemd is PID 1 a moment before its bus and journal answer (longer on a loaded machine): until then
            // systemctl and journalctl fail, which is "not yet"
            Awaitility.await().atMost(BOOT).ignoreExceptions().until(() -> journal(UNIT).contains(SERVING)
                    || !show(UNIT, "NRestarts").equals("0") || show(UNIT, "ActiveState").equals("failed"));
            assertThat(journal(UNIT)).as("the agent's journal").contains(SERVING);

            // then: the JVM runs as sigmaquant, without privileges, under the filter
            String pid = show(UNIT, "MainPID");
            assertThat(inside("ps", "-o", "user:32=", "-p", pid).strip()).isEqualTo("sigmaquant");
            assertThat(inside("cat", "/proc/" + pid + "/status").lines())
                    .contains("NoNewPrivs:\t1", "Seccomp:\t2", "CapEff:\t0000000000000000");

            // when/then: an inference through ONNX Runtime in the same sandbox (the unit with another ExecStart)
            inside("systemctl", "start", "sq-test-bench.service");
            assertThat(show("sq-test-bench.service", "Result")).as(journal("sq-test-bench.service")).isEqualTo("success");
            assertThat(journal("sq-test-bench.service")).contains("median");

            // when/then: systemctl stop (SIGTERM) is a clean stop: 143 counts as success
            inside("systemctl", "stop", UNIT);
            assertThat(show(UNIT, "ExecMainStatus")).isEqualTo("143");
            assertThat(show(UNIT, "Result")).isEqualTo("success");

            // when/then: a crash (SIGKILL) is restarted after RestartSec
            inside("systemctl", "start", UNIT);
            inside("kill", "-KILL", show(UNIT, "MainPID"));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> show(UNIT, "NRestarts").equals("1")
                    && show(UNIT, "ActiveState").equals("active"));
        } finally {
            tearDown(sandbox);
        }
    }

    /** The namespaces' PID 1 (unshare's child) once it has become systemd, else 0. */
    private static long systemdPid(Process sandbox) throws IOException {
        List<ProcessHandle> children = sandbox.toHandle().children().toList();
        for (ProcessHandle child : children) {
            Path comm = Path.of("/proc/" + child.pid() + "/comm");
            if (Files.exists(comm) && Files.readString(comm).strip().equals("systemd")) {
                return child.pid();
            }
        }
        return 0;
    }

    private String inside(String... command) throws Exception {
        List<String> nsenter = new ArrayList<>(List.of("nsenter", "-t", Long.toString(init), "-a", "-r", "-w"));
        nsenter.addAll(List.of(command));
        return Commands.ok(nsenter.toArray(String[]::new)).output();
    }

    private String show(String unit, String property) throws Exception {
        return inside("systemctl", "show", "-p", property, "--value", unit).strip();
    }

    private String journal(String unit) throws Exception {
        return inside("journalctl", "--no-pager", "-o", "cat", "-u", unit);
    }

    /** Killing the namespaces' PID 1 ends everything in them; then the cgroup the script made goes too. */
    private void tearDown(Process sandbox) throws Exception {
        sandbox.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        sandbox.destroyForcibly();
        sandbox.waitFor(30, TimeUnit.SECONDS);
        Path cgroupFile = tmp.resolve("cgroup");
        if (Files.exists(cgroupFile)) {
            Path cgroup = Path.of(Files.readString(cgroupFile).strip());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> noProcessesUnder(cgroup));
            try (Stream<Path> tree = Files.walk(cgroup)) {
                for (Path dir : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(dir); // rmdir: how a cgroup is removed
                }
            }
        }
    }

    private static boolean noProcessesUnder(Path cgroup) throws IOException {
        try (Stream<Path> tree = Files.walk(cgroup)) {
            for (Path procs : tree.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                if (!Files.readString(procs).isBlank()) {
                    return false;
                }
            }
            return true;
        }
    }
}
