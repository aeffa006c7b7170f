package io.sigmaquant.controller.data;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import java.util.Arrays;

/**
 * Turns labelled images into float input batches laid out as the model's input wants them (NCHW, or one
 * flat vector per sample), after checking that the shapes fit.
 */
public final class InputBatches {
    private final LabelledImages images;
    private final Preprocessing preprocessing;
    private final long[] sampleShape;

    public InputBatches(LabelledImages images, Preprocessing preprocessing, ModelInput input) {
        this.images = images;
        this.preprocessing = preprocessing;
        this.sampleShape = input.sampleShape();
        long[] chw = images.chw();
        long sampleSize = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        boolean fitsChw = Arrays.equals(sampleShape, chw);
        boolean fitsFlat = sampleShape.length == 1 && sampleSize == images.imageSize();
        if (!fitsChw && !fitsFlat) {
            throw new UserInputException("data images are " + Arrays.toString(chw) + " (C×H×W) but model input '"
                    + input.name() + "' expects " + input.shapeText());
        }
    }

    public int count() {
        return images.count();
    }

    public int label(int i) {
        return images.label(i);
    }

    /** Model-input shape of a batch of {@code n} samples. */
    public long[] shape(int n) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    /** Samples [from, from+n) as preprocessed floats in channels-first order. */
    public float[] batch(int from, int n) {
        int size = images.imageSize();
        long[] chw = images.chw();
        int c = (int) chw[0];
        int hw = size / c;
        float[] out = new float[n * size];
        byte[] px = images.pixels();
        for (int s = 0; s < n; s++) {
            int base = (from + s) * size;
            for (int i = 0; i < hw; i++) {
                for (int ch = 0; ch < c; ch++) {
                    // IDX stores H×W×C (channels last); the model reads C×H×W.
                    out[s * size + ch * hw + i] = preprocessing.apply(px[base + i * c + ch] & 0xFF);
                }
            }
        }
        return out;
    }
}
