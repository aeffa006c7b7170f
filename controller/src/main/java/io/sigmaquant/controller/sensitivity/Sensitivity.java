package io.sigmaquant.controller.sensitivity;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.model.ConstantResolver;
import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Computes the KL sensitivity table D_l(b) in either mode, through the on-disk cache. */
public final class Sensitivity {
    private static final Logger LOG = LoggerFactory.getLogger(Sensitivity.class);

    private final SensitivityCache cache;
    private final StoppingRule rule;
    private final ProgressReporter reporter;

    /** Outputs mode stops probes early by {@link StoppingRule#DEFAULT}; no progress is reported. */
    public Sensitivity(SensitivityCache cache) {
        this(cache, StoppingRule.DEFAULT, ProgressReporter.NONE);
    }

    public Sensitivity(SensitivityCache cache, StoppingRule rule, ProgressReporter reporter) {
        this.cache = cache;
        this.rule = rule;
        this.reporter = reporter;
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
        String key = cacheKey(modelBytes, mode, calibration, bits);
        return cache.get(key).orElseGet(() -> cache.put(key, measure(analysis, mode, calibration, bits, threads)));
    }

    /** The key this computation's table is cached under: the model, the mode, its data, the bits and the rule. */
    public String cacheKey(byte[] modelBytes, SensitivityMode mode, InputBatches calibration, List<Integer> bits) {
        boolean outputs = mode == SensitivityMode.OUTPUTS;
        return SensitivityCache.key(modelBytes, mode, outputs ? calibration : null, bits, outputs ? rule.id() : "");
    }

    private SensitivityTable measure(ModelAnalysis analysis, SensitivityMode mode, InputBatches calibration,
                                     List<Integer> bits, int threads) {
        List<String> names = analysis.layers().stream().map(Layer::name).toList();
        if (mode == SensitivityMode.OUTPUTS) {
            double[][] kl = outputKl(analysis, calibration, bits, threads);
            return new SensitivityTable(mode.id(), names, bits, kl,
                    "mean KL of softmax outputs over " + calibration.count() + " calibration images" + rule.describe());
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

    private double[][] outputKl(ModelAnalysis analysis, InputBatches calibration, List<Integer> bits, int threads) {
        long probes = (long) analysis.layers().size() * bits.stream().filter(b -> b < 32).count();
        try (Progress progress = reporter.start("sensitivity", probes)) {
            try {
                return new SlicedOutputKl(analysis, calibration, rule).compute(bits, threads, progress);
            } catch (SlicedOutputKl.SliceRefused e) {
                LOG.warn("probing whole models instead of sliced ones: {}", e.getMessage());
                return new OutputKlSensitivity(analysis, calibration).compute(bits, threads);
            }
        }
    }
}
