package io.sigmaquant.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The committed fixture models, their manifest and the bundled data subsets. */
public final class Fixtures {
    public static final List<String> MODELS = List.of("resnet", "mobilenetv2", "vgg");

    private Fixtures() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("sigmaquant.repo.root", "..")).toAbsolutePath().normalize();
    }

    public static Path model(String name) {
        return repoRoot().resolve("examples/models/" + name + ".onnx");
    }

    public static Path data() {
        return repoRoot().resolve("examples/data");
    }

    /** The manifest entry the training script wrote for a model. */
    public static JsonNode manifest(String name) {
        try {
            JsonNode entry = new ObjectMapper().readTree(repoRoot().resolve("examples/models/manifest.json").toFile())
                    .path("models").path(name);
            if (entry.isMissingNode()) {
                throw new IllegalStateException("manifest has no entry for " + name);
            }
            return entry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
