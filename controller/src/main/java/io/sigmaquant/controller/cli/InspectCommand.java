package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant inspect MODEL}: the quantizable layers with parameters, MACs and σ. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the quantizable layers (BatchNorm folded): op, weight shape, parameters, MACs, σ.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "ONNX model (opset 13–21)")
    Path model;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    /** JSON form of one layer. */
    record LayerView(String name, String op, long[] weightShape, long groups, boolean depthwise, long params,
                     long weightParams, long biasParams, long macs, double sigma, long[] outputShape) {
        static LayerView of(Layer l) {
            return new LayerView(l.name(), l.op(), l.weightShape(), l.groups(), l.depthwise(), l.params(),
                    l.weightParams(), l.biasParams(), l.macs(), l.sigma(), l.outputShape());
        }
    }

    /** JSON form of the report. */
    record Report(String model, int opset, String input, long[] inputShape, int layerCount, long totalParams,
                  long totalMacs, List<LayerView> layers) {
    }

    @Override
    public Integer call() {
        ModelAnalysis a = ModelLoading.load(model).analysis();
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Report(model.toString(), a.opset(), a.input().name(), a.input().shape(),
                    a.layers().size(), a.totalParams(), a.totalMacs(), a.layers().stream().map(LayerView::of).toList()));
            return 0;
        }
        out.printf("%s: opset %d, input %s %s, %d quantizable layers (BatchNorm folded)%n%n", model, a.opset(),
                a.input().name(), a.input().shapeText(), a.layers().size());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("#", "layer", "op", "weights", "params", "MACs", "sigma"));
        int i = 0;
        for (Layer l : a.layers()) {
            String op = l.depthwise() ? "Conv(dw)" : l.groups() > 1 ? "Conv(g=" + l.groups() + ")" : l.op();
            rows.add(List.of(Integer.toString(i++), l.name(), op, l.shapeText(), Output.count(l.params()),
                    Output.count(l.macs()), String.format(Locale.ROOT, "%.5f", l.sigma())));
        }
        rows.add(List.of("", "total", "", "", Output.count(a.totalParams()), Output.count(a.totalMacs()), ""));
        Output.table(out, rows);
        return 0;
    }
}
