package io.sigmaquant.controller.quant;

import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import java.util.Map;
import java.util.Set;

/**
 * The calibrated range of every tensor any bit configuration of a model may quantize, measured once — not once per
 * exported candidate. A tensor's min/max over the calibration images does not depend on which other layers are
 * integer (it is read from the float model), so one ONNX Runtime pass over all candidate sites serves every
 * configuration. Thread-safe: callers arriving while it is measured wait for that measurement.
 */
public final class ActivationRanges {
    private final ModelAnalysis analysis;
    private final int threads;
    private InputBatches calibration; // dropped once measured: the ranges are all that is needed after
    private Map<String, ActivationCalibrator.Range> ranges;

    public ActivationRanges(ModelAnalysis analysis, InputBatches calibration, int threads) {
        if (calibration == null) {
            throw new IllegalArgumentException("activation ranges need calibration data");
        }
        this.analysis = analysis;
        this.calibration = calibration;
        this.threads = threads;
    }

    /** The ranges of {@code tensors}, each a site {@link QdqExporter} may choose for this model. */
    public synchronized Map<String, ActivationCalibrator.Range> of(Set<String> tensors) {
        if (ranges == null) {
            Set<String> all = QdqExporter.ActivationSites.choose(analysis.folded().getGraph(), analysis.layers());
            ranges = Map.copyOf(ActivationCalibrator.ranges(analysis.folded(), analysis.input(), calibration, all,
                    threads));
            calibration = null;
        }
        if (!ranges.keySet().containsAll(tensors)) {
            throw new IllegalArgumentException("not an activation site of this model: " + tensors);
        }
        return tensors.stream().collect(java.util.stream.Collectors.toMap(t -> t, ranges::get));
    }
}
