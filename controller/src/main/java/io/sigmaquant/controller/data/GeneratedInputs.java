package io.sigmaquant.controller.data;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded stand-in inputs for a model that comes without a data set: images of the model's input shape whose
 * pixels are uniform over 0..255, fed through the model's own {@link Preprocessing}. They calibrate activation
 * ranges for runs that prove latency, energy and size only; nothing learnt from them says anything about
 * accuracy.
 *
 * <p>Why uniform pixels rather than, say, a standard normal after normalisation: the inputs then span exactly
 * the range preprocessing maps real pixels to, so the input's range covers every real image and is never wider
 * than preprocessing allows (a normal in the normalised space overshoots a [0, 1] model's range). Deeper ranges
 * are only an estimate — which is fine for what these runs measure: an integer kernel costs the same whatever
 * its scale and zero point, it only needs a valid, non-degenerate range.
 */
public final class GeneratedInputs {
    /** Fixed so that a run, and the same run resumed after a restart, exports the same model. */
    public static final long DEFAULT_SEED = 20_240_917L;

    private GeneratedInputs() {
    }

    /** {@code count} generated samples as model input, the same for the same seed. */
    public static InputBatches of(ModelInput input, Preprocessing preprocessing, int count, long seed) {
        return new InputBatches(images(input, count, seed), preprocessing, input);
    }

    /**
     * The generated samples as 8-bit images laid out as IDX stores them (H×W×C, or 1×F for a flat input). Their
     * labels are all 0: activation calibration never reads labels.
     */
    static LabelledImages images(ModelInput input, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        int[] dims = imageDims(input);
        int size = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        byte[] pixels = new byte[Math.multiplyExact(count, size)];
        new Random(seed).nextBytes(pixels); // java.util.Random's sequence is specified: the same on every JVM
        return new LabelledImages(count, dims, pixels, new byte[count]);
    }

    /** The IDX image dimensions that {@link InputBatches} lays out as the model's sample shape. */
    private static int[] imageDims(ModelInput input) {
        long[] s = input.sampleShape();
        if (Arrays.stream(s).anyMatch(d -> d <= 0 || d > Integer.MAX_VALUE)) {
            throw unsupported(input);
        }
        if (s.length == 3) {
            return s[0] == 1 ? new int[] {(int) s[1], (int) s[2]} : new int[] {(int) s[1], (int) s[2], (int) s[0]};
        }
        if (s.length == 1) {
            return new int[] {1, (int) s[0]};
        }
        throw unsupported(input);
    }

    private static UserInputException unsupported(ModelInput input) {
        return new UserInputException("cannot generate calibration inputs for model input '" + input.name()
                + "' of shape " + input.shapeText() + ": expected [N, C, H, W] or [N, F] with fixed sizes; pass "
                + "calibration images instead");
    }
}
