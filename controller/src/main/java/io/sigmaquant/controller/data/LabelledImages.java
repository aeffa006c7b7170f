package io.sigmaquant.controller.data;

import io.sigmaquant.controller.UserInputException;
import java.util.Arrays;

/**
 * Labelled 8-bit images, {@code count × imageDims} (IDX order: H×W or H×W×C).
 */
public record LabelledImages(int count, int[] imageDims, byte[] pixels, byte[] labels) {

    public static LabelledImages of(IdxFile images, IdxFile labels, String origin) {
        if (images.dims().length < 3) {
            throw new UserInputException(origin + ": image file has " + images.dims().length
                    + " dimensions; expected N×H×W or N×H×W×C");
        }
        if (labels.dims().length != 1 || labels.dims()[0] != images.dims()[0]) {
            throw new UserInputException(origin + ": " + images.dims()[0] + " images but labels of shape "
                    + Arrays.toString(labels.dims()));
        }
        int[] imageDims = Arrays.copyOfRange(images.dims(), 1, images.dims().length);
        return new LabelledImages(images.dims()[0], imageDims, images.data(), labels.data());
    }

    public int imageSize() {
        return pixels.length / count;
    }

    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** The first {@code n} images (or all of them). */
    public LabelledImages limit(int n) {
        if (n <= 0 || n >= count) {
            return this;
        }
        return new LabelledImages(n, imageDims, Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n));
    }

    /** Channels-first shape of one image: [C, H, W]. */
    public long[] chw() {
        return imageDims.length == 2
                ? new long[] {1, imageDims[0], imageDims[1]}
                : new long[] {imageDims[2], imageDims[0], imageDims[1]};
    }
}
