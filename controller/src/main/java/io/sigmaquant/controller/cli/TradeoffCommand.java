package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.bench.SvgChart;
import io.sigmaquant.controller.bench.TradeoffBenchmark;
import io.sigmaquant.controller.bench.TradeoffPoint;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.planning.AccuracyCheck;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sigmaquant tradeoff MODEL --data DIR}: accuracy against packed size for uniform, SigmaQuant and
 * exact allocations, each quantized and measured; the optimality gap of SigmaQuant at every level.
 */
@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Accuracy vs packed size: uniform, SigmaQuant and exact (CP-SAT) at the sizes of the uniform "
                + "models, measured with ONNX Runtime (weight-only quantization); optional SVG plot.")
final class TradeoffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "FP32 ONNX model")
    Path model;

    @Option(names = "--profile", paramLabel = "ID|FILE", defaultValue = "x86-64-generic",
            description = "device profile giving the allowed bitwidths (default: ${DEFAULT-VALUE})")
    String profile;

    @Mixin
    DataOptions data;

    @Mixin
    SensitivityOptions sensitivity;

    @Option(names = "--time-limit", paramLabel = "S", defaultValue = "60", description = "CP-SAT time limit per solve")
    double timeLimit;

    @Option(names = "--svg", paramLabel = "FILE", description = "write the curves as an SVG chart")
    Path svg;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads")
    int threads;

    @Option(names = "--json", description = "print JSON instead of a Markdown table")
    boolean json;

    /** JSON form. */
    record Report(String model, String profile, double fp32Top1, int samples, String sensitivity,
                  List<TradeoffPoint> points) {
    }

    @Override
    public Integer call() {
        data.requireData("tradeoff");
        DeviceProfile device = DeviceProfiles.load(profile);
        ModelLoading loaded = ModelLoading.load(model);
        List<Integer> allowed = List.copyOf(device.allowedBits());
        SensitivityTable table = sensitivity.table(loaded, data, allowed.stream().filter(b -> b != 32).toList(), threads);
        AllocationProblem open = ProblemBuilder.build(loaded.analysis(), new PriorCostModel(device, SizeBasis.PACKED),
                table, allowed, Budgets.none());
        var eval = data.batches(loaded.model(), loaded.analysis().input(), DataDirectory.Split.EVAL, 0);
        AccuracyCheck check = new AccuracyCheck(loaded.analysis(), new ExportOptions(null, loaded.analysis().opset(),
                threads), null, eval);
        List<TradeoffPoint> points = TradeoffBenchmark.run(open, check, timeLimit);
        String name = model.getFileName().toString();
        if (svg != null) {
            AtomicFile.write(svg, chart(name, points, check.fp32Top1()).getBytes(StandardCharsets.UTF_8));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Report(model.toString(), device.id(), check.fp32Top1(), check.samples(),
                    table.source(), points));
            return 0;
        }
        out.printf(Locale.ROOT, "%s (FP32 top-1 %.2f%% on %d images; profile %s; sensitivity: %s)%n%n", name,
                check.fp32Top1(), check.samples(), device.id(), table.source());
        out.println("| size level | budget (packed) | uniform top-1 | SigmaQuant top-1 | exact top-1 | ΣD uniform "
                + "| ΣD SigmaQuant | ΣD exact | gap | SigmaQuant ms | exact ms (status) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (TradeoffPoint p : points) {
            out.printf(Locale.ROOT, "| uniform %d-bit | %,.0f B | %.2f | %.2f | %.2f | %.4g | %.4g | %.4g | %.2f %% "
                    + "| %.1f | %.0f (%s) |%n", p.uniformBits(), p.budgetBytes(), p.uniformTop1(), p.sigmaquantTop1(),
                    p.exactTop1(), p.uniformObjective(), p.sigmaquantObjective(), p.exactObjective(),
                    p.gapPercent(), p.sigmaquantMs(), p.exactMs(), p.exactStatus());
        }
        out.flush();
        return 0;
    }

    private static String chart(String name, List<TradeoffPoint> points, double fp32) {
        SvgChart c = new SvgChart(name + ": top-1 vs packed size (FP32 " + String.format(Locale.ROOT, "%.2f", fp32)
                + "%)", "packed size (KiB)", "top-1 (%)");
        c.add(new SvgChart.Series("uniform", "#888888",
                points.stream().map(p -> new double[] {p.budgetBytes() / 1024, p.uniformTop1()}).toList()));
        c.add(new SvgChart.Series("SigmaQuant", "#d62728",
                points.stream().map(p -> new double[] {p.sigmaquantBytes() / 1024, p.sigmaquantTop1()}).toList()));
        c.add(new SvgChart.Series("exact (CP-SAT)", "#1f77b4",
                points.stream().map(p -> new double[] {p.exactBytes() / 1024, p.exactTop1()}).toList()));
        return c.render();
    }
}
