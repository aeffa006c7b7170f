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

    StoppingRule stoppingRule() {
        double r = tolerance != null ? tolerance : StoppingRule.DEFAULT.relativeHalfWidth();
        int min = minImages != null ? minImages : StoppingRule.DEFAULT.minImages();
        if (!(r >= 0)) {
            throw new UserInputException("--sensitivity-tolerance must be 0 or positive: " + r);
        }
        if (min < 1) {
            throw new UserInputException("--sensitivity-min-images must be positive: " + min);
        }
        return r == 0 ? StoppingRule.EXACT : new StoppingRule(r, min, StoppingRule.DEFAULT.seed());
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
