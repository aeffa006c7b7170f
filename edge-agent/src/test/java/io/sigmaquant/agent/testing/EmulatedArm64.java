package io.sigmaquant.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An arm64 Java 17 runtime run here through QEMU user-mode emulation: the root file system that
 * {@code docker/base/rootfs.sh arm64} makes (prepared under {@code sigmaquant.base.dir}, never committed) and
 * Debian's {@code qemu-aarch64-static}, which needs no binfmt registration because it is named on the command line.
 */
public final class EmulatedArm64 {
    /** Where docker/base/prepare.sh puts the arm64 root inside the base folder. */
    public static final String ROOT_NAME = "rootfs-arm64";
    private static final String JAVA = "usr/lib/jvm/java-17-openjdk-arm64/bin/java";

    private final Path emulator;
    private final Path root;

    private EmulatedArm64(Path emulator, Path root) {
        this.emulator = emulator;
        this.root = root;
    }

    /**
     * The runtime under the folder the build passes as {@code sigmaquant.base.dir}.
     *
     * @throws IllegalStateException naming what to prepare, when the folder, the root or the emulator is missing
     */
    public static EmulatedArm64 fromBaseDir() {
        String base = System.getProperty("sigmaquant.base.dir");
        if (base == null) {
            throw new IllegalStateException("sigmaquant.base.dir is not set: run this test in the images profile "
                    + "(./mvnw -Pimages verify)");
        }
        Path root = Path.of(base, ROOT_NAME).toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve(JAVA))) {
            throw new IllegalStateException("no arm64 Java runtime at " + root.resolve(JAVA) + ": run "
                    + "docker/base/prepare.sh (or docker/base/rootfs.sh arm64 " + root + ")");
        }
        return new EmulatedArm64(emulator(), root);
    }

    private static Path emulator() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "qemu-aarch64-static");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("qemu-aarch64-static is not installed (apt-get install qemu-user-static)");
    }

    /** {@code qemu-aarch64-static -L ROOT}: what runs any arm64 program of the root, the agent's worker too. */
    public List<String> launcher() {
        return List.of(emulator.toString(), "-L", root.toString());
    }

    /** The root's arm64 java binary (run it after {@link #launcher()}). */
    public Path java() {
        return root.resolve(JAVA);
    }

    public Path root() {
        return root;
    }
}
