package io.sigmaquant.profiles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

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
        for (ExecutionProvider p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + id + "'; choose one of "
                + Arrays.stream(values()).map(ExecutionProvider::id).collect(Collectors.joining(", ")));
    }
}
