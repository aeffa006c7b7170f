package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.quant.BitConfig;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import io.sigmaquant.controller.quant.QuantizedModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant quantize MODEL (--uniform B | --config FILE) --out FILE}. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Write a QDQ model with per-layer weight bitwidths (symmetric, per output channel).")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "FP32 ONNX model")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Bits bits;

    /** Where the bitwidths come from. */
    static final class Bits {
        @Option(names = "--uniform", paramLabel = "B", description = "the same bitwidth for every layer (2..8, 32 = float)")
        Integer uniform;

        @Option(names = "--config", paramLabel = "FILE", description = "JSON {\"bits\": {\"<layer>\": B, ...}}")
        Path config;
    }

    @Option(names = "--activations", paramLabel = "int8|float", defaultValue = "float",
            description = "float: weight-only (default); int8: calibrated 8-bit activations so ONNX Runtime runs "
                    + "integer kernels (needs --data)")
    String activations;

    @Option(names = "--activation-type", paramLabel = "auto|uint8|int8", defaultValue = "auto",
            description = "storage of int8 activations; auto = uint8 on x86-64, int8 elsewhere")
    String activationType;

    @Option(names = "--opset", paramLabel = "N", description = "opset of the written model (13..21; default: the "
            + "model's); at 21, weights of 4 bits or fewer are stored as INT4")
    Integer opset;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "output ONNX file")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads for calibration")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    DataOptions data;

    /** JSON form of the result. */
    record Report(String model, String out, Map<String, Integer> bits, String activations, int opset,
                  long packedBytes, long fileBytes, String packedBytesMeaning) {
    }

    @Override
    public Integer call() {
        ActivationType acts = activationType();
        ModelLoading loaded = ModelLoading.load(model);
        ModelAnalysis a = loaded.analysis();
        BitConfig config = bits.uniform != null ? uniform(bits.uniform) : BitConfig.read(bits.config, Output.JSON);
        Map<String, Integer> perLayer = config.resolve(a);
        InputBatches calibration = acts == null ? null
                : data.batches(loaded.model(), a.input(), DataDirectory.Split.CALIB,
                        ActivationCalibrator.DEFAULT_IMAGES);
        int target = opset != null ? opset : a.opset();
        QuantizedModel q = QdqExporter.export(a, perLayer, new ExportOptions(acts, target, threads), calibration, null,
                ProgressReporter.forCommandLine(json, spec.commandLine().getErr()), "quantize " + model.getFileName());
        long fileBytes = q.write(out);
        String meaning = "packed = weights at their bitwidth + one float32 scale per output channel + float32 biases";
        var w = spec.commandLine().getOut();
        if (json) {
            Output.json(w, new Report(model.toString(), out.toString(), perLayer,
                    acts == null ? "float" : acts.name().toLowerCase(), target, q.packedBytes(), fileBytes, meaning));
        } else {
            w.printf("wrote %s (%d layers, activations %s, opset %d)%n", out, perLayer.size(),
                    acts == null ? "float" : acts.name().toLowerCase(), target);
            w.printf("packed size: %s (%d bytes; %s)%n", Output.bytes(q.packedBytes()), q.packedBytes(), meaning);
            w.printf("file size:   %s (%d bytes of ONNX)%n", Output.bytes(fileBytes), fileBytes);
            w.flush();
        }
        return 0;
    }

    private static BitConfig uniform(int b) {
        if (!BitConfig.valid(b)) {
            throw new UserInputException("--uniform " + b + " is not allowed; use 2..8 or 32 (float)");
        }
        return BitConfig.uniform(b);
    }

    private ActivationType activationType() {
        switch (activations) {
            case "float":
                return null;
            case "int8":
                break;
            default:
                throw new UserInputException("--activations must be int8 or float, not '" + activations + "'");
        }
        return switch (activationType) {
            case "auto" -> ActivationType.forHost();
            case "uint8" -> ActivationType.UINT8;
            case "int8" -> ActivationType.INT8;
            default -> throw new UserInputException("--activation-type must be auto, uint8 or int8, not '"
                    + activationType + "'");
        };
    }
}
