package io.sigmaquant.controller.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An unpacked image's entrypoint started as a container engine would start it, with no engine: in a mount
 * namespace of its own with /proc, a read-only /sys and /dev, chrooted into the image, as the image's user, in its
 * working directory, with only the image's environment plus the test's. The host's network stays shared, so
 * ports are the test's free loopback ports. An arm64 image runs through {@code qemu-aarch64-static} (user-mode
 * emulation; a static binary, so it works inside the chroot), copied into the image's root. Needs root.
 */
public final class ImageProcess implements AutoCloseable {
    /** Mounts what an engine provides, then execs the rest of the command line; $0 is the image's root. */
    private static final String MOUNTS = "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" "
            + "&& mount -t sysfs -o ro sysfs \"$0/sys\" && exec \"$@\"";
    private static final String QEMU = "qemu-aarch64-static";

    private final Process process;
    private final Path log;

    private ImageProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param env  variables added to the image's (as {@code docker run -e})
     * @param args replaces the image's Cmd when not null (as arguments after the image in {@code docker run})
     */
    public static ImageProcess start(UnpackedImage image, Map<String, String> env, List<String> args, Path log)
            throws IOException {
        Map<String, String> environment = new LinkedHashMap<>(image.env());
        environment.putAll(env);
        String root = image.root().toString();
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c", MOUNTS, root, "env", "-i"));
        environment.forEach((k, v) -> cmd.add(k + "=" + v));
        String[] user = image.user().split(":", 2);
        String gid = user.length == 2 ? user[1] : gid(image, user[0]);
        cmd.addAll(List.of("unshare", "--root=" + root, "--wd=" + image.workingDir(), "--setgid", gid,
                "--setuid", user[0]));
        if (emulated(image.architecture())) {
            Files.copy(emulator(), image.root().resolve(QEMU), StandardCopyOption.REPLACE_EXISTING);
            cmd.add("/" + QEMU);
        }
        cmd.add(image.executable());
        cmd.addAll(image.entrypoint().subList(1, image.entrypoint().size()));
        cmd.addAll(args != null ? args : image.cmd());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ImageProcess(p, log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The last lines of the output, for assertion messages. */
    public String outputTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Sends SIGTERM to the entrypoint's process (the namespace's unshare only waits for it). */
    public void terminate() {
        process.toHandle().children().forEach(ProcessHandle::destroy);
    }

    /** @return the exit status, or empty if it did not end within the time */
    public Optional<Integer> awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static boolean emulated(String imageArch) {
        String host = System.getProperty("os.arch");
        return imageArch.equals("arm64") && !host.equals("aarch64");
    }

    private static Path emulator() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, QEMU);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IOException(QEMU + " not found: apt-get install qemu-user-static");
    }

    /** The user's group from the image's /etc/passwd (engines do the same for a bare uid). */
    private static String gid(UnpackedImage image, String uid) throws IOException {
        Path passwd = image.root().resolve("etc/passwd");
        if (Files.exists(passwd)) {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":");
                if (f.length > 3 && f[2].equals(uid)) {
                    return f[3];
                }
            }
        }
        return uid;
    }
}
