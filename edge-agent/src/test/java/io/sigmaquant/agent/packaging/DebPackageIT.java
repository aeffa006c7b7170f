package io.sigmaquant.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.message.AgentStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the agent's .deb installs on this machine with {@code apt-get install ./…deb} (as root, as CI
 * runs), that what it installs works as a board needs it, and that {@code apt-get purge} leaves nothing behind.
 * Runs only in the Maven profile {@code images}, which builds the package first.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(OrderAnnotation.class)
class DebPackageIT {
    private static final String PACKAGE = "sigmaquant-agent";
    private static final Path UNIT = Path.of("/lib/systemd/system/sigmaquant-agent.service");
    private static final Path CONF = Path.of("/etc/sigmaquant/agent.conf");

    private static boolean userExistedBefore;
    private static List<Path> installedFiles = List.of();

    @TempDir
    Path tmp;

    @BeforeAll
    static void install() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("DebPackageIT installs a package: run it as root (as CI does), or leave out -Pdeb");
        }
        if (Commands.run("dpkg-query", "-W", "-f=${Status}", PACKAGE).output().contains("installed")) {
            fail(PACKAGE + " is already installed here; the test would purge it: apt-get purge " + PACKAGE + " first");
        }
        userExistedBefore = Commands.run("getent", "passwd", "sigmaquant").exit() == 0;
        Commands.ok("apt-get", "install", "-y", "--no-install-recommends", BuiltPackage.path().toString());
        installedFiles = Commands.ok("dpkg-query", "-L", PACKAGE).output().lines().map(Path::of).toList();
    }

    @AfterAll
    static void purgeAndForgetTheUser() throws Exception {
        // Leave the machine as found, whatever failed above.
        if (Commands.run("dpkg-query", "-W", "-f=${Status}", PACKAGE).output().contains("installed")) {
            Commands.run("apt-get", "purge", "-y", PACKAGE);
        }
        if (!userExistedBefore && Commands.run("getent", "passwd", "sigmaquant").exit() == 0) {
            Commands.run("deluser", "--system", "sigmaquant");
        }
    }

    @Test
    @Order(1)
    void install_onThisMachine_placesTheAgentItsCommandConfigUnitAndUdevRule() throws Exception {
        assertThat(Path.of("/usr/share/sigmaquant-agent/sigmaquant-agent.jar")).isRegularFile();
        assertThat(Path.of("/usr/share/sigmaquant-agent/lib")).isDirectoryContaining("glob:**/onnxruntime-*.jar")
                .isDirectoryContaining("glob:**/sigmaquant-protocol-*.jar");
        assertThat(Path.of("/usr/bin/sigmaquant-agent")).isExecutable();
        assertThat(Path.of("/lib/udev/rules.d/60-sigmaquant-agent.rules")).content()
                .contains("intel-rapl", "energy_uj", "chgrp sigmaquant", "ina3221");
        assertThat(CONF).content().contains("SIGMAQUANT_BROKER=", "SIGMAQUANT_ID=", "SIGMAQUANT_PROFILE=",
                "SIGMAQUANT_TLS_BUNDLE=", "SIGMAQUANT_CACHE_DIR=/var/cache/sigmaquant-agent");
        assertThat(Commands.ok("dpkg-query", "-W", "-f=${Conffiles}", PACKAGE).output()).contains(CONF.toString());
    }

    @Test
    @Order(2)
    void install_createsTheSystemUserAndItsCache() throws Exception {
        String passwd = Commands.ok("getent", "passwd", "sigmaquant").output();
        int uid = Integer.parseInt(passwd.split(":")[2]);
        assertThat(uid).as("a system uid").isLessThan(1000);
        assertThat(passwd.strip()).endsWith(":/usr/sbin/nologin");
        assertThat(Commands.ok("getent", "group", "sigmaquant").exit()).isZero();
        assertThat(Commands.ok("stat", "-c", "%U:%G %a", "/var/cache/sigmaquant-agent").output().strip())
                .isEqualTo("sigmaquant:sigmaquant 700");
    }

    @Test
    @Order(3)
    void unit_systemdAnalyzeVerify_passesWithoutAWordAboutIt() throws Exception {
        Commands.Result verify = Commands.run("systemd-analyze", "verify", UNIT.toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output().lines().filter(l -> l.contains("sigmaquant"))).as("warnings about the unit").isEmpty();
    }

    @Test
    @Order(4)
    void unit_runsAsSigmaquantRestartsOnFailureAndIsHardened() throws Exception {
        assertThat(Files.readAllLines(UNIT)).contains("User=sigmaquant", "EnvironmentFile=" + CONF,
                "Restart=on-failure", "SuccessExitStatus=143", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "PrivateTmp=yes", "ProtectHome=yes", "CacheDirectory=sigmaquant-agent", "CapabilityBoundingSet=");
    }

    @Test
    @Order(5)
    void version_asTheSystemUser_printsTheProjectVersion() throws Exception {
        String release = System.getProperty("sigmaquant.version", "").replace("-SNAPSHOT", "");
        String version = Commands.ok("runuser", "-u", "sigmaquant", "--", "/usr/bin/sigmaquant-agent", "--version")
                .output().strip();
        assertThat(version).startsWith("sigmaquant-agent " + release);
    }

    @Test
    @Order(6)
    void status_dependsOnAJava17Runtime() throws Exception {
        assertThat(Commands.ok("dpkg", "-s", PACKAGE).output().lines())
                .contains("Depends: openjdk-17-jre-headless | java17-runtime-headless, adduser")
                .contains("Status: install ok installed");
    }

    /** The unit's ExecStart, as the unit runs it: agent.conf's settings in the environment, user sigmaquant. */
    @Test
    @Order(7)
    void serviceCommand_withAgentConfSettings_agentComesOnlineAsTheSystemUser() throws Exception {
        Map<String, String> settings = EnvironmentFile.read(CONF);
        try (TestBroker broker = TestBroker.start();
             ControllerClient controller = new ControllerClient(broker.url(), "deb-observer")) {
            settings.put("SIGMAQUANT_BROKER", broker.url());
            settings.put("SIGMAQUANT_ID", "deb-agent");
            settings.put("SIGMAQUANT_PROFILE", "x86-64-generic");
            settings.put("SIGMAQUANT_ENERGY", "estimate");
            ProcessBuilder service = new ProcessBuilder(List.of("runuser", "-u", "sigmaquant", "--",
                    "/usr/bin/sigmaquant-agent", "run")).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("agent.log").toFile());
            service.environment().clear();
            service.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            service.environment().putAll(settings);
            Process agent = service.start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> controller.status.containsKey("deb-agent") || !agent.isAlive());
                assertThat(controller.status.get("deb-agent")).as(Files.readString(tmp.resolve("agent.log")))
                        .isNotNull();
                assertThat(controller.status.get("deb-agent").state()).isEqualTo(AgentStatus.ONLINE);
                assertThat(Commands.ok("ps", "-o", "user:32=", "--ppid", Long.toString(agent.pid())).output().strip())
                        .as("the JVM's user").isEqualTo("sigmaquant");
            } finally {
                agent.descendants().forEach(ProcessHandle::destroy);
                agent.destroy();
                if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                    agent.descendants().forEach(ProcessHandle::destroyForcibly);
                    agent.destroyForcibly();
                }
            }
        }
    }

    @Test
    @Order(8)
    void purge_leavesNoFileBehind() throws Exception {
        assertThat(installedFiles).contains(UNIT, CONF);
        Commands.ok("apt-get", "purge", "-y", PACKAGE);

        List<Path> left = new ArrayList<>();
        for (Path p : installedFiles) {
            boolean ours = !Files.isDirectory(p) || p.toString().contains("sigmaquant");
            if (ours && Files.exists(p)) {
                left.add(p);
            }
        }
        for (Path p : List.of(Path.of("/var/cache/sigmaquant-agent"), Path.of("/etc/sigmaquant"))) {
            if (Files.exists(p)) {
                left.add(p);
            }
        }
        left.addAll(Commands.ok("find", "/etc/systemd", "/var/lib/systemd", "-name", "*sigmaquant*").output()
                .lines().map(Path::of).toList());
        assertThat(left).isEmpty();
        assertThat(Commands.run("dpkg-query", "-W", "-f=${Status}", PACKAGE).output()).doesNotContain("installed");
    }

    /** systemd's EnvironmentFile format, as far as agent.conf uses it: comments, blank lines, KEY=value. */
    static final class EnvironmentFile {
        static Map<String, String> read(Path file) throws IOException {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    int eq = l.indexOf('=');
                    assertThat(eq).as("a KEY=value line: " + l).isPositive();
                    values.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
            return values;
        }
    }
}
