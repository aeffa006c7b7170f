package io.sigmaquant.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The agent as {@code mvn package} leaves it: a thin jar whose manifest puts target/lib on the class path. */
public final class PackagedAgent {
    private PackagedAgent() {
    }

    public static Path jar() throws IOException {
        try (var files = Files.list(Fixtures.repoRoot().resolve("edge-agent/target"))) {
            return files.filter(f -> f.getFileName().toString()
                            .matches("sigmaquant-edge-agent-[0-9.]+(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IOException("build the agent first (mvn package)"));
        }
    }
}
