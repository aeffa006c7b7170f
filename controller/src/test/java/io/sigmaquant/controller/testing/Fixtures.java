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

    /**
     * The resnet fixture with one NaN in its first float initializer (written to {@code target}).
     *
     * @return the name of the initializer that holds the NaN
     */
    public static String withNaNWeight(Path target) throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(model("resnet")));
        var graph = m.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            var t = graph.getInitializer(i);
            if (t.getDataType() == ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE && !t.getRawData().isEmpty()) {
                byte[] raw = t.getRawData().toByteArray();
                java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(raw.length - 4, Float.NaN);
                graph.setInitializer(i, t.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
                java.nio.file.Files.write(target, m.toBuilder().setGraph(graph).build().toByteArray());
                return t.getName();
            }
        }
        throw new IllegalStateException("resnet has no raw float initializer");
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
