package io.sigmaquant.controller.sensitivity;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.model.ConstantResolver;
import java.util.List;

/** Computes the KL sensitivity table D_l(b) in either mode, through the on-disk cache. */
public final class Sensitivity {
    private final SensitivityCache cache;

    public Sensitivity(SensitivityCache cache) {
        this.cache = cache;
    }

    /**
     * @param calibration calibration images (required in {@link SensitivityMode#OUTPUTS} mode)
     * @param bits        bitwidths to measure, ascending; 32 gets D = 0
     */
    public SensitivityTable compute(byte[] modelBytes, ModelAnalysis analysis, SensitivityMode mode,
                                    InputBatches calibration, List<Integer> bits, int threads) {
        if (mode == SensitivityMode.OUTPUTS && calibration == null) {
            throw new UserInputException("outputs-mode sensitivity needs calibration images: pass --data DIR, "
                    + "or use --mode weights (data-free)");
        }
        String key = SensitivityCache.key(modelBytes, mode, mode == SensitivityMode.OUTPUTS ? calibration : null, bits);
        return cache.get(key).orElseGet(() -> cache.put(key, measure(analysis, mode, calibration, bits, threads)));
    }

    private static SensitivityTable measure(ModelAnalysis analysis, SensitivityMode mode, InputBatches calibration,
                                            List<Integer> bits, int threads) {
        List<String> names = analysis.layers().stream().map(Layer::name).toList();
        if (mode == SensitivityMode.OUTPUTS) {
            double[][] kl = new OutputKlSensitivity(analysis, calibration).compute(bits, threads);
            return new SensitivityTable(mode.id(), names, bits, kl,
                    "mean KL of softmax outputs over " + calibration.count() + " calibration images");
        }
        ConstantResolver constants = new ConstantResolver(analysis.folded().getGraph());
        double[][] kl = new double[names.size()][bits.size()];
        for (int l = 0; l < names.size(); l++) {
            for (int i = 0; i < bits.size(); i++) {
                kl[l][i] = bits.get(i) >= 32 ? 0 : WeightHistogramKl.kl(analysis.layers().get(l), constants, bits.get(i));
            }
        }
        return new SensitivityTable(mode.id(), names, bits, kl,
                "KL of weight histograms (" + WeightHistogramKl.BINS + " bins), data-free");
    }
}
