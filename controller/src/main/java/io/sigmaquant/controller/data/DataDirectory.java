package io.sigmaquant.controller.data;

import io.sigmaquant.controller.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the labelled splits in a data folder. The evaluation split is {@code eval-*} (the bundled subset)
 * or {@code t10k-*} (the full Fashion-MNIST/MNIST test set); the calibration split is {@code calib-*} or
 * {@code train-*}. Each may be gzip-compressed.
 */
public final class DataDirectory {
    /** Which split a command reads. */
    public enum Split {
        EVAL(List.of("eval", "t10k", "test")),
        CALIB(List.of("calib", "train"));

        private final List<String> prefixes;

        Split(List<String> prefixes) {
            this.prefixes = prefixes;
        }
    }

    private DataDirectory() {
    }

    /** The IDX files of one split as found on disk. */
    public record SplitFiles(Path images, Path labels) {
    }

    public static LabelledImages load(Path dir, Split split) {
        SplitFiles f = files(dir, split);
        return LabelledImages.of(IdxFile.read(f.images()), IdxFile.read(f.labels()), dir.toString());
    }

    /** Where a split's images and labels are, by the first prefix that has both. */
    public static SplitFiles files(Path dir, Split split) {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("data folder not found: " + dir);
        }
        for (String prefix : split.prefixes) {
            Path images = find(dir, prefix + "-images-idx3-ubyte");
            Path labels = find(dir, prefix + "-labels-idx1-ubyte");
            if (images != null && labels != null) {
                return new SplitFiles(images, labels);
            }
        }
        throw new UserInputException("no " + split.name().toLowerCase() + " split in " + dir + ": expected "
                + split.prefixes.get(0) + "-images-idx3-ubyte and " + split.prefixes.get(0)
                + "-labels-idx1-ubyte (or " + String.join("-/", split.prefixes.subList(1, split.prefixes.size()))
                + "- files, optionally .gz)");
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
