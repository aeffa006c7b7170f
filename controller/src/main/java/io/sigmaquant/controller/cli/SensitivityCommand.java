package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.controller.quant.BitConfig;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant sensitivity MODEL}: σ and D_l(b) per layer. */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Per layer: σ of the weights and the KL sensitivity D(b) for each bitwidth (cached on disk).")
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "FP32 ONNX model")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    SensitivityOptions sensitivity;

    @Option(names = "--bits", paramLabel = "B,...", split = ",", defaultValue = "2,3,4,5,6,7,8",
            description = "bitwidths to measure (default: ${DEFAULT-VALUE})")
    List<Integer> bits;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    /** JSON form of one layer. */
    record LayerView(String name, String op, double sigma, Map<String, Double> kl) {
    }

    /** JSON form of the report. */
    record Report(String model, String mode, String source, List<Integer> bits, double elapsedMs,
                  List<LayerView> layers) {
    }

    @Override
    public Integer call() {
        List<Integer> sorted = bits.stream().distinct().sorted().toList();
        for (int b : sorted) {
            if (b < BitConfig.MIN_BITS || b > BitConfig.MAX_BITS) {
                throw new UserInputException("--bits: " + b + " is outside " + BitConfig.MIN_BITS + ".." + BitConfig.MAX_BITS);
            }
        }
        ModelLoading loaded = ModelLoading.load(model);
        long start = System.nanoTime();
        SensitivityTable t = sensitivity.table(loaded, data, sorted, threads,
                ProgressReporter.forCommandLine(json, spec.commandLine().getErr()));
        double elapsedMs = (System.nanoTime() - start) / 1e6;
        List<LayerView> views = new ArrayList<>();
        for (int l = 0; l < t.layers().size(); l++) {
            Layer layer = loaded.analysis().layers().get(l);
            Map<String, Double> kl = new LinkedHashMap<>();
            for (int i = 0; i < sorted.size(); i++) {
                kl.put(Integer.toString(sorted.get(i)), t.kl()[l][i]);
            }
            views.add(new LayerView(layer.name(), layer.op(), layer.sigma(), kl));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Report(model.toString(), t.mode(), t.source(), sorted, elapsedMs, views));
            return 0;
        }
        out.printf(Locale.ROOT, "%s: KL sensitivity, mode %s (%s), %.0f ms%n%n", model, t.mode(), t.source(), elapsedMs);
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("layer", "sigma"));
        sorted.forEach(b -> header.add("D(" + b + ")"));
        rows.add(header);
        for (LayerView v : views) {
            List<String> row = new ArrayList<>(List.of(v.name(), String.format(Locale.ROOT, "%.5f", v.sigma())));
            v.kl().values().forEach(d -> row.add(String.format(Locale.ROOT, "%.3e", d)));
            rows.add(row);
        }
        Output.table(out, rows);
        return 0;
    }
}
