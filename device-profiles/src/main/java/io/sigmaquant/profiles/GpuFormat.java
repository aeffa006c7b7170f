package io.sigmaquant.profiles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A precision a board's GPU runs a model in through its execution provider. */
public enum GpuFormat {
    /** Half-precision floats. */
    FP16("fp16"),
    /** int8 weights and activations from a statically quantized (QDQ) model. */
    INT8("int8");

    private final String id;

    GpuFormat(String id) {
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
    public static GpuFormat of(String id) {
        return ProfileIds.of(GpuFormat.class, GpuFormat::id, "GPU format", id);
    }
}
