package io.sigmaquant.controller.broker;

import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto started with the shipped docker/mosquitto/mosquitto.conf and the shipped acl file, unchanged
 * but for the lines that name the port and the files: {@code listener} (a free loopback port), the TLS files,
 * {@code acl_file} (a byte-for-byte copy) and {@code persistence_location}. Mosquitto switches to the
 * {@code mosquitto} user when started as root, so the copies are readable by that user.
 */
final class ShippedMosquitto implements AutoCloseable {
    /** The keys of the lines this test rewrites; the shipped file must have each of them. */
    private static final Set<String> REWRITTEN = Set.of("listener", "cafile", "certfile", "keyfile", "crlfile",
            "acl_file", "persistence_location");

    private final Path dir;
    private final Process process;
    private final int port;

    private ShippedMosquitto(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it in a folder of its own under the system's temporary folder (JUnit's are owner-only: the broker's
     * user could not enter them), removed on close.
     *
     * @param ca, cert, key, crl the broker's TLS files (from the test's PKI)
     */
    static ShippedMosquitto start(Path ca, Path cert, Path key, Path crl) throws IOException {
        Path shipped = shippedFolder();
        Path dir = Files.createTempDirectory("sigmaquant-mosquitto");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        copy(ca, dir.resolve("ca.crt"), "rw-r--r--");
        copy(cert, dir.resolve("broker.crt"), "rw-r--r--");
        copy(key, dir.resolve("broker.key"), "rw-------");
        giveToBrokerUser(dir.resolve("broker.key"));
        copy(crl, dir.resolve("crl.pem"), "rw-r--r--");
        copy(shipped.resolve("acl"), dir.resolve("acl"), "rw-r--r--");
        int port = TestBroker.freePort();
        Path conf = dir.resolve("mosquitto.conf");
        Files.write(conf, rewrite(Files.readAllLines(shipped.resolve("mosquitto.conf")), dir, port));
        Process p = new ProcessBuilder(TestBroker.mosquitto(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            TestBroker.waitForPort(port, p);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + ": " + Files.readString(dir.resolve("mosquitto.log")), e);
        }
        return new ShippedMosquitto(dir, p, port);
    }

    static List<String> rewrite(List<String> shipped, Path dir, int port) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String line : shipped) {
            String key = line.strip().split("\\s+")[0];
            if (!REWRITTEN.contains(key)) {
                out.add(line);
                continue;
            }
            seen.add(key);
            out.add(switch (key) {
                case "listener" -> "listener " + port + " 127.0.0.1";
                case "cafile" -> "cafile " + dir.resolve("ca.crt");
                case "certfile" -> "certfile " + dir.resolve("broker.crt");
                case "keyfile" -> "keyfile " + dir.resolve("broker.key");
                case "crlfile" -> "crlfile " + dir.resolve("crl.pem");
                case "acl_file" -> "acl_file " + dir.resolve("acl");
                default -> "persistence_location " + dir.resolve("data") + "/";
            });
        }
        if (!seen.equals(REWRITTEN)) {
            throw new IllegalStateException("the shipped mosquitto.conf lacks " + REWRITTEN.stream()
                    .filter(k -> !seen.contains(k)).toList());
        }
        // the shipped file spells the packet limit as a number: it must stay the protocol's message cap
        String packetLimit = "max_packet_size " + Limits.MAX_MESSAGE_BYTES;
        if (shipped.stream().noneMatch(line -> line.strip().equals(packetLimit))) {
            throw new IllegalStateException("the shipped mosquitto.conf lacks '" + packetLimit
                    + "' (Limits.MAX_MESSAGE_BYTES)");
        }
        return out;
    }

    String url() {
        return "ssl://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** What an operator does after {@code sigmaquant pki revoke}: copy the new CRL and send SIGHUP. */
    void reloadRevocations(Path crl) throws IOException, InterruptedException {
        copy(crl, dir.resolve("crl.pem"), "rw-r--r--");
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -HUP " + process.pid() + " failed");
        }
    }

    Path log() {
        return dir.resolve("mosquitto.log");
    }

    private static Path shippedFolder() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("docker/mosquitto");
            if (Files.isRegularFile(candidate.resolve("mosquitto.conf"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("docker/mosquitto/mosquitto.conf not found above "
                + Path.of("").toAbsolutePath());
    }

    private static void copy(Path from, Path to, String permissions) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(permissions));
    }

    /** Mosquitto reads the key again on SIGHUP, as the mosquitto user. */
    private static void giveToBrokerUser(Path file) throws IOException {
        try {
            var users = file.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(file, users.lookupPrincipalByName("mosquitto"));
        } catch (UserPrincipalNotFoundException e) {
            // not root, or no such user: mosquitto runs as this user and reads its own file
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
