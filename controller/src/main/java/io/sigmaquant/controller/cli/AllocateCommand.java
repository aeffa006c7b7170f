package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.planning.AccuracyCheck;
import io.sigmaquant.controller.planning.AllocationPlanner;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant allocate MODEL --profile ID [budgets]}: a bitwidth per layer for one board type. */
@Command(name = "allocate", mixinStandardHelpOptions = true,
        description = "Choose a bitwidth per layer for a board's budgets (SigmaQuant, exact CP-SAT, or uniform).")
final class AllocateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "FP32 ONNX model")
    Path model;

    @Option(names = "--profile", paramLabel = "ID|FILE", required = true,
            description = "device profile: a bundled id (raspberry-pi-4, raspberry-pi-5, jetson-nano, "
                    + "jetson-orin-nano, x86-64-generic, shift-add-asic), a YAML file, or the cost-model.json a "
                    + "closed loop wrote (the profile with its calibrated latency model laid over it)")
    String profile;

    @Mixin
    AllocationOptions options;

    @Mixin
    DataOptions data;

    @Mixin
    SensitivityOptions sensitivity;

    @Option(names = "--out", paramLabel = "FILE", description = "write the configuration that quantize --config reads")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        Budgets budgets = options.budgets();
        Allocator allocator = options.allocator();
        Resource minimise = options.minimizeTarget();
        if (minimise != null && options.maxAccuracyDrop == null) {
            throw new UserInputException("--minimize needs an accuracy floor: pass --max-accuracy-drop POINTS and --data DIR");
        }
        if (options.maxAccuracyDrop != null) {
            data.requireData("--max-accuracy-drop");
        }
        CalibratedCostModel.Export overlay = profile.endsWith(".json") ? CalibrationOverlay.read(Path.of(profile)) : null;
        DeviceProfile device = DeviceProfiles.load(overlay != null ? overlay.deviceClass() : profile);
        ModelLoading loaded = ModelLoading.load(model);
        List<Integer> allowed = List.copyOf(device.allowedBits());
        List<Integer> measured = allowed.stream().filter(b -> b != 32).toList();
        SensitivityTable table = sensitivity.table(loaded, data, measured, threads);
        PriorCostModel prior = new PriorCostModel(device, options.sizeBasis());
        CostModel costs = overlay == null ? prior : CalibratedCostModel.fromExport(prior, overlay);
        AllocationProblem problem = ProblemBuilder.build(loaded.analysis(), costs, table, allowed, budgets);
        AccuracyCheck check = options.maxAccuracyDrop == null ? null : accuracyCheck(loaded, device);
        AllocationPlanner.Plan plan = minimise == null
                ? AllocationPlanner.underBudgets(problem, allocator, check, options.maxAccuracyDrop)
                : AllocationPlanner.minimise(problem, minimise, allocator, check, options.maxAccuracyDrop);
        AllocationReport report = AllocationReport.of(model, device, problem, plan, table, costs, options.sizeBasis());
        if (out != null) {
            AtomicFile.write(out, Output.toJson(report.config()));
        }
        if (json) {
            Output.json(spec.commandLine().getOut(), report);
        } else {
            report.print(spec.commandLine().getOut(), loaded.analysis());
        }
        return 0;
    }

    /**
     * Accuracy is measured on the model as the board would run it: integer activations where the profile runs
     * integer layers as W8A8 (uint8 on x86, int8 on Arm), float activations otherwise.
     */
    private AccuracyCheck accuracyCheck(ModelLoading loaded, DeviceProfile device) {
        ActivationType acts = ActivationType.forProfile(device);
        var eval = data.batches(loaded.model(), loaded.analysis().input(), DataDirectory.Split.EVAL, 0);
        var calib = acts == null ? null : data.calibration(loaded.model(), loaded.analysis().input(),
                ActivationCalibrator.DEFAULT_IMAGES, "activation calibration");
        return new AccuracyCheck(loaded.analysis(), new ExportOptions(acts, loaded.analysis().opset(), threads), calib, eval);
    }
}
