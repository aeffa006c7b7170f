package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.calibration.CalibratedCostModel;
import io.sigmaquant.controller.calibration.Calibrator;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.profiles.DeviceProfile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the calibrated latency model on a dataset's fitting samples (calibration, then training ones) and
 * reports its held-out errors: the whole-configuration prediction ({@link CalibratedCostModel#latencyMs})
 * against the model the closed loop had before it — the same layer fits summed separably, plus a remainder
 * and a cost per change of format between list neighbours.
 */
public final class LatencyModelBenchmark {
    private LatencyModelBenchmark() {
    }

    /** Held-out absolute relative errors of one model on one fixture. */
    record Errors(double[] ape) {
        double within(double tolerance) {
            return Arrays.stream(ape).filter(e -> e <= tolerance).count() / (double) ape.length;
        }

        double median() {
            double[] s = ape.clone();
            Arrays.sort(s);
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        double max() {
            return Arrays.stream(ape).max().orElse(Double.NaN);
        }
    }

    public static String report(LatencyDataset data, DeviceProfile profile, int batch) {
        StringBuilder out = new StringBuilder("machine: " + data.machine() + "\n");
        out.append("fixture      fit-on  model  within5%  within10%  median   max\n");
        for (LatencyDataset.Fixture fixture : data.fixtures()) {
            LatencyDataset.Fixture f = fixture.normalised();
            ModelAnalysis analysis = ModelAnalyzer.analyze(OnnxModels.load(Path.of(f.model())));
            PriorCostModel prior = new PriorCostModel(profile, SizeBasis.PACKED, batch);
            long fitting = f.samples().stream().filter(s -> s.role() != LatencyDataset.Role.HELD_OUT).count();
            for (int n : new int[] {3, (int) fitting}) {
                Calibrator c = new Calibrator(prior);
                List<LatencyDataset.Sample> train = f.samples().stream()
                        .filter(s -> s.role() != LatencyDataset.Role.HELD_OUT).limit(n).toList();
                train.forEach(s -> c.addMeasurement(analysis.layers(), s.bits(), s.layerMicros(), s.ms()));
                CalibratedCostModel model = c.fit();
                CalibratedCostModel old = legacy(model, prior, analysis.layers(), train);
                List<LatencyDataset.Sample> test = f.samples().stream()
                        .filter(s -> s.role() == LatencyDataset.Role.HELD_OUT).toList();
                row(out, f.name(), n, "old", errors(test, s -> old.latencyMs(analysis.layers(), s.bits())));
                row(out, f.name(), n, "new", errors(test, s -> model.latencyMs(analysis.layers(), s.bits())));
                if (Boolean.getBoolean("sigmaquant.bench.verbose") && n == fitting) {
                    for (LatencyDataset.Sample s : f.samples()) {
                        out.append(String.format(Locale.ROOT, "    %-11s %s measured %7.3f old %7.3f new %7.3f%n",
                                s.role(), pattern(analysis.layers(), s.bits()), s.ms(),
                                old.latencyMs(analysis.layers(), s.bits()), model.latencyMs(analysis.layers(), s.bits())));
                    }
                    out.append("    terms " + model.terms() + "\n");
                }
            }
        }
        return out.toString();
    }

    /**
     * Two measurements of the same held-out configurations against each other (each scaled to its own float
     * reference, so the second is first rescaled by the ratio of the references' medians over the fixture).
     */
    public static String noiseFloor(LatencyDataset.Fixture first, LatencyDataset.Fixture second) {
        List<LatencyDataset.Sample> a = first.normalised().samples().stream().filter(s -> s.role() == LatencyDataset.Role.HELD_OUT)
                .toList();
        List<LatencyDataset.Sample> b = second.normalised().samples();
        double[] ratio = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratio[i] = b.get(i).ms() / a.get(i).ms();
        }
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        double scale = sorted[sorted.length / 2];
        Errors e = new Errors(Arrays.stream(ratio).map(x -> Math.abs(x / scale - 1)).toArray());
        StringBuilder out = new StringBuilder();
        row(out, first.name(), 0, "again", e);
        return out.toString();
    }

    private static String pattern(List<Layer> layers, Map<String, Integer> bits) {
        StringBuilder b = new StringBuilder();
        layers.forEach(l -> b.append(bits.get(l.name()) == 32 ? 'f' : 'i'));
        return b.toString();
    }

    private static Errors errors(List<LatencyDataset.Sample> test,
                                 java.util.function.ToDoubleFunction<LatencyDataset.Sample> predict) {
        return new Errors(test.stream().mapToDouble(s -> Math.abs(predict.applyAsDouble(s) - s.ms())
                / s.ms()).toArray());
    }

    private static void row(StringBuilder out, String fixture, int n, String model, Errors e) {
        out.append(String.format(Locale.ROOT, "%-12s %6d  %-5s  %7.0f%%  %8.0f%%  %5.1f%%  %5.1f%%%n", fixture, n, model,
                100 * e.within(0.05), 100 * e.within(0.10), 100 * e.median(), 100 * e.max()));
    }

    /**
     * The closed loop's model before the boundary terms: the same layer fits and offsets, r0 and a cost per
     * format switch between consecutive layers regressed on end-to-end residuals, charged twice per float layer.
     */
    static CalibratedCostModel legacy(CalibratedCostModel fitted, PriorCostModel prior, List<Layer> layers,
                                      List<LatencyDataset.Sample> train) {
        CalibratedCostModel layersOnly = new CalibratedCostModel(prior, fitted.fits(), 0, 0, fitted.energy(),
                fitted.offsetSeconds());
        int n = train.size();
        double[] residual = new double[n];
        double[] switches = new double[n];
        for (int i = 0; i < n; i++) {
            Map<String, Integer> bits = train.get(i).bits();
            residual[i] = train.get(i).ms() - layers.stream()
                    .mapToDouble(l -> layersOnly.cost(l, bits.get(l.name())).latencyMs()).sum();
            for (int j = 1; j < layers.size(); j++) {
                boolean a = bits.get(layers.get(j).name()) == 32;
                boolean b = bits.get(layers.get(j - 1).name()) == 32;
                switches[i] += a != b ? 1 : 0;
            }
        }
        double meanS = Arrays.stream(switches).average().orElse(0);
        double meanR = Arrays.stream(residual).average().orElse(0);
        double cov = 0;
        double var = 0;
        for (int i = 0; i < n; i++) {
            cov += (switches[i] - meanS) * (residual[i] - meanR);
            var += (switches[i] - meanS) * (switches[i] - meanS);
        }
        double perSwitch = var > 0 ? Math.max(0, cov / var) : 0;
        return new CalibratedCostModel(prior, fitted.fits(), Math.max(0, meanR - perSwitch * meanS), perSwitch,
                fitted.energy(), fitted.offsetSeconds());
    }
}
