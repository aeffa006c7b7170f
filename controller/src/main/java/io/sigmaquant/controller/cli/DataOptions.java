package io.sigmaquant.controller.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelInput;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.LabelledImages;
import io.sigmaquant.controller.data.Preprocessing;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that reads labelled data. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "folder with IDX files: eval-* or t10k-* to evaluate, calib-* or train-* to calibrate "
                    + "(examples/data, or /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "use only the first N images (default: all)")
    int limit;

    @Option(names = "--scale", paramLabel = "S", description = "input = (pixel·S − M) / D; overrides model metadata")
    Double scale;

    @Option(names = "--mean", paramLabel = "M", description = "see --scale")
    Double mean;

    @Option(names = "--std", paramLabel = "D", description = "see --scale")
    Double std;

    Path requireData(String why) {
        if (data == null) {
            throw new UserInputException(why + " needs labelled images: pass --data DIR (e.g. examples/data)");
        }
        return data;
    }

    Preprocessing preprocessing(ModelProto model) {
        return Preprocessing.resolve(model, scale, mean, std);
    }

    /**
     * The first {@code count} calibration images as model input (ignores {@code --limit}, which is about
     * evaluation); {@code why} names the need in the error when {@code --data} is missing.
     */
    InputBatches calibration(ModelProto model, ModelInput input, int count, String why) {
        LabelledImages images = DataDirectory.load(requireData(why), DataDirectory.Split.CALIB);
        return new InputBatches(images.limit(count), preprocessing(model), input);
    }

    InputBatches batches(ModelProto model, ModelInput input, DataDirectory.Split split, int defaultLimit) {
        if (limit < 0) {
            throw new UserInputException("--limit must be positive: " + limit);
        }
        LabelledImages images = DataDirectory.load(requireData(split == DataDirectory.Split.EVAL
                ? "evaluation" : "calibration"), split);
        int n = limit > 0 ? limit : defaultLimit;
        return new InputBatches(images.limit(n), preprocessing(model), input);
    }
}
