package io.sigmaquant.controller.run;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.GeneratedInputs;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.LabelledImages;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.loop.ModelUnderTest;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.quant.ActivationRanges;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.PackedSize;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.sensitivity.Sensitivity;
import io.sigmaquant.controller.sensitivity.SensitivityCache;
import io.sigmaquant.controller.sensitivity.SensitivityMode;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.profiles.ProfileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run whose inputs have been checked: the device class exists, the model is ONNX the analyser accepts, the
 * calibration images, when given, match the model's input, and the size budget is reachable (size is exact;
 * latency and energy are only known once measured). A run without images is latency-only: integer activations
 * are calibrated on {@link GeneratedInputs} and sensitivity is data-free. The analysis and the sensitivity table
 * come from {@link SharedAnalyses}: runs of one model share them. The sensitivity table and the calibration
 * batches are computed later, by the run itself.
 */
public record PreparedRun(RunRequest request, DeviceProfile profile, Path modelFile, byte[] modelBytes,
                          ModelAnalysis analysis, Preprocessing preprocessing, ActivationType activations, Path dataDir,
                          SharedAnalyses shared) {

    /** What {@link #accept} checked: the request with its defaults, and its device class. */
    public record Accepted(RunRequest request, DeviceProfile profile) {
    }

    /**
     * The checks a service answers at once, before the run exists — each costs milliseconds: the request's values
     * and budgets, the device class and its threads, outputs mode having data, the model being ONNX of a
     * supported opset with finite weights, and the size budget against the smallest model (its layers counted
     * from the graph, not analysed). What needs the model analysed or the images read ({@link #check}) is left to
     * the run, which fails with the reason.
     *
     * @throws UserInputException naming what is wrong
     */
    public static Accepted accept(RunRequest request, Path modelFile, Path dataDir) {
        RunRequest r = request.validate().withDefaults();
        DeviceProfile profile = profile(r);
        RunRequestLimits.checkThreads(r, profile);
        requireDataForOutputs(r, dataDir);
        ModelProto model = OnnxModels.parse(readModel(modelFile), modelFile.getFileName().toString());
        requireSizeReachable(r, profile, ModelAnalyzer.countLayers(model));
        return new Accepted(r, profile);
    }

    /** {@link #check(RunRequest, Path, Path, SharedAnalyses)} sharing nothing with other runs. */
    public static PreparedRun check(RunRequest request, Path modelFile, Path dataDir) {
        return check(request, modelFile, dataDir, SharedAnalyses.unshared());
    }

    /**
     * @param dataDir folder with {@code calib-*} (or {@code train-*}) IDX files, or null for a latency-only run
     * @param shared  where runs of the same model find its analysis and sensitivity tables
     * @throws UserInputException naming what is wrong
     */
    public static PreparedRun check(RunRequest request, Path modelFile, Path dataDir, SharedAnalyses shared) {
        RunRequest r = request.validate().withDefaults();
        DeviceProfile profile = profile(r);
        RunRequestLimits.checkThreads(r, profile);
        requireDataForOutputs(r, dataDir);
        byte[] bytes = readModel(modelFile);
        String origin = modelFile.getFileName().toString();
        ModelAnalysis analysis = shared.analysis(bytes, () -> ModelAnalyzer.analyze(OnnxModels.parse(bytes, origin)));
        // the folded model keeps the original's metadata (the preprocessing hints) and input
        Preprocessing pre = Preprocessing.resolve(analysis.folded(), r.scale(), r.mean(), r.std());
        ActivationType acts = ActivationType.forProfile(profile);
        PreparedRun run = new PreparedRun(r, profile, modelFile, bytes, analysis, pre, acts, dataDir, shared);
        if (dataDir != null) {
            run.calibrationImages(1); // the split is there and matches the model's input
        } else if (acts != null) {
            run.generatedInputs(1); // the model's input is one inputs can be generated for
        }
        requireSizeReachable(r, profile, analysis.layers());
        return run;
    }

    private static DeviceProfile profile(RunRequest r) {
        try {
            return DeviceProfiles.load(r.deviceClass());
        } catch (ProfileException e) {
            throw unknownDeviceClass(r.deviceClass());
        }
    }

    /**
     * Without data a run is latency-only: activations are calibrated on generated inputs and sensitivity is
     * data-free. What would need real images (outputs-mode KL) is refused rather than faked.
     */
    private static void requireDataForOutputs(RunRequest r, Path dataDir) {
        if ("outputs".equals(r.sensitivityMode()) && dataDir == null) {
            throw new UserInputException("outputs-mode sensitivity needs calibration images (--data DIR, or the "
                    + "calib-images part of the request); without data, use weights mode");
        }
    }

    private static byte[] readModel(Path modelFile) {
        try {
            return Files.readAllBytes(modelFile);
        } catch (IOException e) {
            throw new UserInputException("cannot read the model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** The refusal of a device class that is not a bundled profile, naming those that are. */
    public static UserInputException unknownDeviceClass(String id) {
        return new UserInputException("unknown device class '" + id + "'; known: " + String.join(", ",
                DeviceProfiles.BUNDLED));
    }

    /** The same run with its input files moved (from a staging folder to the run's own). */
    public PreparedRun withFiles(Path model, Path data) {
        return new PreparedRun(request, profile, model, modelBytes, analysis, preprocessing, activations, data, shared);
    }

    /**
     * The smallest packed model the profile's bitwidths allow, against the size budget: the run's size costs are
     * {@link SizeBasis#PACKED}, so this is the allocation problem's minimum. Exact for the analysed layers and for
     * those {@link ModelAnalyzer#countLayers} counts alike.
     */
    private static void requireSizeReachable(RunRequest request, DeviceProfile profile, List<Layer> layers) {
        if (request.maxSizeBytes() == null) {
            return;
        }
        long smallest = PackedSize.smallest(layers, profile.allowedBits());
        if (smallest > request.maxSizeBytes()) {
            throw new InfeasibleBudgetException(names -> "impossible budget: " + names.apply(Resource.SIZE) + " "
                    + Allocation.format(request.maxSizeBytes()) + " bytes is below the smallest model " + profile.id()
                    + " allows, " + smallest + " bytes");
        }
    }

    public PriorCostModel prior() {
        return new PriorCostModel(profile, SizeBasis.PACKED, request.batch());
    }

    /** The first {@code count} calibration images as model input. */
    public InputBatches calibrationImages(int count) {
        LabelledImages images = DataDirectory.load(dataDir, DataDirectory.Split.CALIB);
        return new InputBatches(images.limit(count), preprocessing, analysis.input());
    }

    /**
     * Samples for activation ranges: the calibration images, generated inputs when the run has no data, or null
     * when the device class keeps activations in float.
     */
    public InputBatches activationCalibration() {
        if (activations == null) {
            return null;
        }
        return dataDir != null ? calibrationImages(ActivationCalibrator.DEFAULT_IMAGES)
                : generatedInputs(ActivationCalibrator.DEFAULT_IMAGES);
    }

    /**
     * The model as the loop exports it, its activation ranges on {@code calibration} (from
     * {@link #activationCalibration()}) measured once for all runs of the model on the same images.
     */
    public ModelUnderTest modelUnderTest(InputBatches calibration) {
        ExportOptions export = new ExportOptions(activations, analysis.opset(), 0);
        ActivationRanges ranges = calibration == null ? null : shared.activationRanges(modelBytes, calibration,
                () -> new ActivationRanges(analysis, calibration, export.threads()));
        return new ModelUnderTest(analysis, export, calibration, preprocessing, ranges);
    }

    /** What {@link #activationCalibration()} calibrates on, for the report. */
    public ActivationCalibration describe(InputBatches calibration) {
        if (calibration == null) {
            return new ActivationCalibration(ActivationCalibration.Source.NONE, 0);
        }
        return new ActivationCalibration(dataDir != null ? ActivationCalibration.Source.IMAGES
                : ActivationCalibration.Source.GENERATED, calibration.count());
    }

    private InputBatches generatedInputs(int count) {
        return GeneratedInputs.of(analysis.input(), preprocessing, count, GeneratedInputs.DEFAULT_SEED);
    }

    /**
     * The KL sensitivity table over the profile's integer bitwidths: from the shared cache (keyed by model and
     * settings), measured once for all the runs asking for it at the same time.
     *
     * @throws InterruptedException when the run is cancelled or the service stops while it waits for the table
     */
    public SensitivityTable sensitivity(Path cacheDir, int images) throws InterruptedException {
        SensitivityMode mode = "weights".equals(request.sensitivityMode()) || dataDir == null
                ? SensitivityMode.WEIGHTS : SensitivityMode.OUTPUTS;
        InputBatches calibration = mode == SensitivityMode.OUTPUTS ? calibrationImages(images) : null;
        List<Integer> bits = profile.allowedBits().stream().filter(b -> b != 32).toList();
        SensitivityCache cache = new SensitivityCache(cacheDir);
        Sensitivity sensitivity = new Sensitivity(cache);
        String key = sensitivity.cacheKey(modelBytes, mode, calibration, bits);
        return shared.sensitivity(key, cacheDir.resolve("locks"), () -> cache.get(key),
                () -> sensitivity.compute(modelBytes, analysis, mode, calibration, bits, 0));
    }
}
