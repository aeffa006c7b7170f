package io.sigmaquant.controller.analysis;

import java.util.Arrays;

/**
 * The model's (single) data input.
 *
 * @param name  input name
 * @param shape declared shape; -1 marks a symbolic dimension (only the batch dimension may be one)
 */
public record ModelInput(String name, long[] shape) {

    public boolean dynamicBatch() {
        return shape.length > 0 && shape[0] < 0;
    }

    /** The shape with the batch dimension set to {@code batch}. */
    public long[] withBatch(long batch) {
        long[] s = shape.clone();
        if (s.length > 0) {
            s[0] = batch;
        }
        return s;
    }

    /** The shape of one sample (batch dimension dropped). */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    public String shapeText() {
        return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d)).toArray());
    }
}
