package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.quant.ActivationRanges;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import io.sigmaquant.controller.quant.QuantizedModel;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The FP32 model a run quantizes and what it takes to export and feed it: its analysis, the export options,
 * the images activation ranges are calibrated on (null when activations stay float), and its input
 * preprocessing.
 */
public record ModelUnderTest(ModelAnalysis analysis, ExportOptions export, InputBatches activationImages,
                             Preprocessing preprocessing, ActivationRanges ranges) {
    /**
     * With its activation ranges measured once, on the first export that quantizes activations, for all the
     * configurations the run exports (each used to run the images through ONNX Runtime again).
     */
    public ModelUnderTest(ModelAnalysis analysis, ExportOptions export, InputBatches activationImages,
                          Preprocessing preprocessing) {
        this(analysis, export, activationImages, preprocessing, activationImages == null ? null
                : new ActivationRanges(analysis, activationImages, export.threads()));
    }

    public List<Layer> layers() {
        return analysis.layers();
    }

    /** The deployable QDQ model of one bit configuration. */
    public QuantizedModel export(Map<String, Integer> bits) {
        return QdqExporter.export(analysis, bits, export, activationImages, ranges);
    }

    /** End-to-end latency a cost model predicts for one bit configuration. */
    public double predictedMs(CostModel cost, Map<String, Integer> bits) {
        return cost.latencyMs(layers(), bits);
    }

    /** What an agent feeds the model: its input at {@code batch} images, preprocessed as the model expects. */
    public MeasurementJob.InputSpec input(int batch) {
        List<Long> shape = new ArrayList<>();
        for (long d : analysis.input().withBatch(batch)) {
            shape.add(d);
        }
        return new MeasurementJob.InputSpec(analysis.input().name(), shape, preprocessing.scale(), preprocessing.mean(),
                preprocessing.std());
    }

    /** Per-layer work of a configuration, for simulated agents and for results that arrive late. */
    public List<MeasurementJob.LayerWork> workload(Map<String, Integer> bits) {
        return layers().stream().map(l -> new MeasurementJob.LayerWork(l.name(), l.macs(), l.weightParams(),
                bits.get(l.name()), l.inputElements() + l.outputElements())).toList();
    }
}
