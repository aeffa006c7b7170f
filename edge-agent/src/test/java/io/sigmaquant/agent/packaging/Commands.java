package io.sigmaquant.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (dpkg, apt-get, systemd-analyze, …) to its end and keeps its output. */
final class Commands {
    /** apt-get install of the 90 MB package takes seconds; this only stops a hung command. */
    private static final long LIMIT_MINUTES = 3;

    record Result(int exit, String output) {
    }

    private Commands() {
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("command", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            pb.environment().put("NEEDRESTART_SUSPEND", "1"); // apt's needrestart hook has nothing to say here
            Process p = pb.start();
            if (!p.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + LIMIT_MINUTES + " min");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs the command and fails the test, with its output, unless it exits 0. */
    static Result ok(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        assertThat(r.exit()).as("%s exit status; output:%n%s", String.join(" ", command), r.output()).isZero();
        return r;
    }
}
