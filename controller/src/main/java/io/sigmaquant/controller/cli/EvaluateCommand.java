package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.analysis.ModelInput;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.eval.Evaluation;
import io.sigmaquant.controller.eval.Top1Evaluator;
import io.sigmaquant.controller.model.OnnxModels;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant evaluate MODEL --data DIR}: top-1 accuracy with ONNX Runtime. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Top-1 accuracy of a model (float or quantized) on labelled IDX images, with ONNX Runtime.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "ONNX model")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    /** JSON form of the result. */
    record Report(String model, String data, double top1, int samples, int correct, Preprocessing preprocessing) {
    }

    @Override
    public Integer call() {
        var proto = OnnxModels.load(model);
        ModelInput input = ModelAnalyzer.dataInput(proto.getGraph());
        InputBatches batches = data.batches(proto, input, DataDirectory.Split.EVAL, 0);
        Evaluation e = Top1Evaluator.evaluate(proto, input, batches, threads);
        Preprocessing pre = data.preprocessing(proto);
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Report(model.toString(), data.data.toString(), e.top1(), e.samples(), e.correct(), pre));
        } else {
            out.printf(Locale.ROOT, "%s: top-1 %.2f%% (%d/%d) on %s; input = (pixel*%.6g - %.4g) / %.4g [%s]%n",
                    model, e.top1(), e.correct(), e.samples(), data.data, pre.scale(), pre.mean(), pre.std(),
                    pre.source());
            out.flush();
        }
        return 0;
    }
}
