package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.bench.EqualAccuracy;
import io.sigmaquant.controller.bench.SvgChart;
import io.sigmaquant.controller.bench.TradeoffBenchmark;
import io.sigmaquant.controller.bench.TradeoffPoint;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.planning.AccuracyCheck;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.progress.ProgressReporter;
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
 * {@code sigmaquant tradeoff MODEL --data DIR}: accuracy against packed size for uniform, the paper method, the
 * default allocator and exact allocations, each quantized and measured; the optimality gaps at every level; and
 * the size at equal accuracy.
 */
@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Accuracy vs packed size: uniform, sigmaquant-paper, sigmaquant and exact (CP-SAT) at the sizes "
                + "of the uniform models, measured with ONNX Runtime (weight-only quantization), and the size at equal "
                + "accuracy (within 1 point of FP32); optional SVG plot.")
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
                  List<TradeoffPoint> points, EqualAccuracy equalAccuracy) {
    }

    @Override
    public Integer call() {
        data.requireData("tradeoff");
        DeviceProfile device = DeviceProfiles.load(profile);
        ModelLoading loaded = ModelLoading.load(model);
        List<Integer> allowed = List.copyOf(device.allowedBits());
        ProgressReporter progress = ProgressReporter.forCommandLine(json, spec.commandLine().getErr());
        SensitivityTable table = sensitivity.table(loaded, data, allowed.stream().filter(b -> b != 32).toList(), threads,
                progress);
        AllocationProblem open = ProblemBuilder.build(loaded.analysis(), new PriorCostModel(device, SizeBasis.PACKED),
                table, allowed, Budgets.none());
        var eval = data.batches(loaded.model(), loaded.analysis().input(), DataDirectory.Split.EVAL, 0);
        AccuracyCheck check = new AccuracyCheck(loaded.analysis(), new ExportOptions(null, loaded.analysis().opset(),
                threads), null, eval);
        String name = model.getFileName().toString();
        TradeoffBenchmark.Result result = TradeoffBenchmark.run(open, check, timeLimit, progress, "tradeoff " + name);
        if (svg != null) {
            AtomicFile.write(svg, chart(name, result.points(), check.fp32Top1()).getBytes(StandardCharsets.UTF_8));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Report(model.toString(), device.id(), check.fp32Top1(), check.samples(),
                    table.source(), result.points(), result.equalAccuracy()));
            return 0;
        }
        out.printf(Locale.ROOT, "%s (FP32 top-1 %.2f%% on %d images; profile %s; sensitivity: %s)%n%n", name,
                check.fp32Top1(), check.samples(), device.id(), table.source());
        out.println("| size level | budget (packed) | top-1 uniform | top-1 paper | top-1 sigmaquant | top-1 exact "
                + "| ΣD uniform | ΣD paper | ΣD sigmaquant | ΣD exact | gap paper | gap sigmaquant "
                + "| ms paper / sigmaquant | exact ms (status) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (TradeoffPoint p : result.points()) {
            out.printf(Locale.ROOT, "| uniform %d-bit | %,.0f B | %.2f | %.2f | %.2f | %.2f | %.4g | %.4g | %.4g | %.4g "
                    + "| %.2f %% | %.2f %% | %.1f / %.1f | %.0f (%s) |%n", p.uniformBits(), p.budgetBytes(),
                    p.uniform().top1(), p.paper().top1(), p.sigmaquant().top1(), p.exact().top1(),
                    p.uniform().objective(), p.paper().objective(), p.sigmaquant().objective(),
                    p.exact().objective(), p.gapPercent(p.paper()), p.gapPercent(p.sigmaquant()), p.paper().ms(),
                    p.sigmaquant().ms(), p.exact().ms(), p.exact().status());
        }
        EqualAccuracy e = result.equalAccuracy();
        out.printf(Locale.ROOT, "%nsize at equal accuracy (measured top-1 ≥ FP32 − %.0f point = %.2f%%): uniform %s; "
                + "sigmaquant %s%s%n", e.maxDrop(), e.fp32Top1() - e.maxDrop(),
                e.uniformBits() == null ? "none within the drop"
                        : String.format(Locale.ROOT, "%d-bit, %,.0f B (%.2f%%)", e.uniformBits(), e.uniformBytes(),
                        e.uniformTop1()),
                e.sigmaquantBytes() == null ? "none within the drop"
                        : String.format(Locale.ROOT, "%,.0f B (%.2f%%)", e.sigmaquantBytes(), e.sigmaquantTop1()),
                Double.isNaN(e.savingPercent()) ? ""
                        : String.format(Locale.ROOT, ": %.1f %% smaller than uniform", e.savingPercent()));
        out.flush();
        return 0;
    }

    private static String chart(String name, List<TradeoffPoint> points, double fp32) {
        SvgChart c = new SvgChart(name + ": top-1 vs packed size (FP32 " + String.format(Locale.ROOT, "%.2f", fp32)
                + "%)", "packed size (KiB)", "top-1 (%)");
        c.add(series("uniform", "#888888", points, TradeoffPoint::uniform));
        c.add(series("sigmaquant-paper", "#ff7f0e", points, TradeoffPoint::paper));
        c.add(series("sigmaquant", "#d62728", points, TradeoffPoint::sigmaquant));
        c.add(series("exact (CP-SAT)", "#1f77b4", points, TradeoffPoint::exact));
        return c.render();
    }

    private static SvgChart.Series series(String label, String colour, List<TradeoffPoint> points,
                                          java.util.function.Function<TradeoffPoint, TradeoffPoint.Measured> of) {
        return new SvgChart.Series(label, colour, points.stream()
                .map(p -> new double[] {of.apply(p).bytes() / 1024, of.apply(p).top1()}).toList());
    }
}
