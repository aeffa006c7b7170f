package io.sigmaquant.controller.planning;

import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.eval.Top1Evaluator;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures the top-1 accuracy of bit configurations for real: export the QDQ model, run it in ONNX
 * Runtime on held-out images. Results are memoised per configuration.
 */
public final class AccuracyCheck {
    private final ModelAnalysis analysis;
    private final ExportOptions export;
    private final InputBatches calibration;
    private final InputBatches evaluation;
    private final Map<Map<String, Integer>, Double> memo = new HashMap<>();
    private Double fp32;

    public AccuracyCheck(ModelAnalysis analysis, ExportOptions export, InputBatches calibration, InputBatches evaluation) {
        this.analysis = analysis;
        this.export = export;
        this.calibration = calibration;
        this.evaluation = evaluation;
    }

    public double fp32Top1() {
        if (fp32 == null) {
            fp32 = Top1Evaluator.evaluate(analysis.folded(), analysis.input(), evaluation, export.threads()).top1();
        }
        return fp32;
    }

    public double top1(Map<String, Integer> bits) {
        return memo.computeIfAbsent(Map.copyOf(bits), b -> Top1Evaluator.evaluate(
                QdqExporter.export(analysis, b, export, calibration).model(), analysis.input(), evaluation,
                export.threads()).top1());
    }

    public int samples() {
        return evaluation.count();
    }

    public ExportOptions exportOptions() {
        return export;
    }
}
