package io.sigmaquant.profiles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where ONNX Runtime runs a model: its CPU provider, or an NVIDIA GPU through CUDA or TensorRT. The ids are what
 * users write (profiles, {@code --execution-provider}); the agent maps them to ONNX Runtime's providers.
 */
public enum ExecutionProvider {
    CPU("cpu"),
    CUDA("cuda"),
    TENSORRT("tensorrt");

    private final String id;

    ExecutionProvider(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * @throws IllegalArgumentException naming the value and the choices, in one line
     */
    @JsonCreator
    public static ExecutionProvider of(String id) {
        return ProfileIds.of(ExecutionProvider.class, ExecutionProvider::id, "execution provider", id);
    }
}
