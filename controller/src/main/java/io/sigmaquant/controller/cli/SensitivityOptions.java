package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.sensitivity.Sensitivity;
import io.sigmaquant.controller.sensitivity.SensitivityCache;
import io.sigmaquant.controller.sensitivity.SensitivityMode;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.controller.sensitivity.StoppingRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the commands that need the KL sensitivity table. */
final class SensitivityOptions {
    @Option(names = "--mode", paramLabel = "outputs|weights",
            description = "KL sensitivity: outputs (softmax KL over calibration images; default when --data is "
                    + "given) or weights (data-free histogram KL; the default without --data)")
    String mode;

    @Option(names = "--sensitivity-images", paramLabel = "N", defaultValue = "256",
            description = "calibration images for outputs-mode sensitivity (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--sensitivity-tolerance", paramLabel = "R",
            description = "outputs mode: stop probing a (layer, bitwidth) once the 95%% interval of its mean KL is "
                    + "within ±R of the mean (after --sensitivity-min-images); 0 uses every image (default: 0.1)")
    Double tolerance;

    @Option(names = "--sensitivity-layer-share", paramLabel = "S",
            description = "outputs mode: a probe may also stop once the 95%% interval of its mean KL is within ±S of "
                    + "its layer's largest KL (its lowest bitwidth's); 0 turns this off (default: 0.005)")
    Double layerShare;

    @Option(names = "--sensitivity-min-images", paramLabel = "N",
            description = "outputs mode: images every probe sees before it may stop early (default: 16)")
    Integer minImages;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "where sensitivity tables are cached (default: $SIGMAQUANT_CACHE_DIR or ~/.cache/sigmaquant)")
    Path cacheDir;

    SensitivityMode mode(boolean haveData) {
        if (mode == null) {
            return haveData ? SensitivityMode.OUTPUTS : SensitivityMode.WEIGHTS;
        }
        return switch (mode) {
            case "outputs" -> SensitivityMode.OUTPUTS;
            case "weights" -> SensitivityMode.WEIGHTS;
            default -> throw new UserInputException("--mode must be outputs or weights, not '" + mode + "'");
        };
    }

    SensitivityTable table(ModelLoading loaded, DataOptions data, List<Integer> bits, int threads) {
        return table(loaded, data, bits, threads, ProgressReporter.NONE);
    }

    /**
     * The rule the options give; {@code --sensitivity-tolerance 0} alone means every image (the exact table),
     * as it did before the layer share existed.
     */
    StoppingRule stoppingRule() {
        StoppingRule d = StoppingRule.DEFAULT;
        double r = tolerance != null ? tolerance : d.relativeHalfWidth();
        double share = layerShare != null ? layerShare : r == 0 ? 0 : d.layerShare();
        int min = minImages != null ? minImages : d.minImages();
        if (!(r >= 0)) {
            throw new UserInputException("--sensitivity-tolerance must be 0 or positive: " + r);
        }
        if (!(share >= 0)) {
            throw new UserInputException("--sensitivity-layer-share must be 0 or positive: " + share);
        }
        if (min < 1) {
            throw new UserInputException("--sensitivity-min-images must be positive: " + min);
        }
        StoppingRule rule = new StoppingRule(r, share, min, d.seed());
        return rule.exact() ? StoppingRule.EXACT : rule;
    }

    SensitivityTable table(ModelLoading loaded, DataOptions data, List<Integer> bits, int threads,
                           ProgressReporter progress) {
        SensitivityMode m = mode(data.data != null);
        InputBatches calibration = null;
        if (m == SensitivityMode.OUTPUTS) {
            if (images <= 0) {
                throw new UserInputException("--sensitivity-images must be positive: " + images);
            }
            calibration = data.calibration(loaded.model(), loaded.analysis().input(), images,
                    "outputs-mode sensitivity");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(loaded.file());
        } catch (IOException e) {
            throw new UserInputException("cannot read " + loaded.file() + ": " + e.getMessage(), e);
        }
        Sensitivity s = new Sensitivity(new SensitivityCache(cacheDir != null ? cacheDir : SensitivityCache.defaultDir()),
                stoppingRule(), progress);
        return s.compute(bytes, loaded.analysis(), m, calibration, bits, threads);
    }
}
