package io.sigmaquant.agent.testing;

import java.nio.file.Path;

/** The committed fixture models. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("sigmaquant.repo.root", "..")).toAbsolutePath().normalize();
    }

    public static Path model(String name) {
        return repoRoot().resolve("examples/models/" + name + ".onnx");
    }
}
