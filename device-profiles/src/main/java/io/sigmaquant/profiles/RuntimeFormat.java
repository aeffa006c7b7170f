package io.sigmaquant.profiles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a layer executes on a board (docs/ARCHITECTURE.md, prior cost model): the format decides its speed, its
 * bits decide its size.
 */
public enum RuntimeFormat {
    /** Float weights and activations. */
    FP32("fp32", 32),
    /** int8 weights (any b ≤ 8 stored as int8) and int8 activations: fused integer kernels. */
    W8A8("w8a8", 8),
    /** int8 weights dequantized before a float kernel. */
    WEIGHT_ONLY_INT8("weight-only-int8", 8),
    /** INT4 weights dequantized before a float kernel (opset 21). */
    WEIGHT_ONLY_INT4("weight-only-int4", 4),
    /** Bit-serial hardware: one shift-add cycle per weight bit. */
    BIT_SERIAL("bit-serial", 0);

    private final String id;
    private final int storageBits;

    RuntimeFormat(String id, int storageBits) {
        this.id = id;
        this.storageBits = storageBits;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Bits a weight occupies in memory in this format; 0 means "exactly the layer's bitwidth". */
    public int storageBits(int layerBits) {
        return storageBits == 0 ? layerBits : storageBits;
    }

    /** The id as written in profiles; Jackson reads map keys through it. */
    @Override
    public String toString() {
        return id;
    }

    @JsonCreator
    public static RuntimeFormat of(String id) {
        return ProfileIds.of(RuntimeFormat.class, RuntimeFormat::id, "runtime format", id);
    }
}
