package io.sigmaquant.controller.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.analysis.ModelAnalyzer;
import io.sigmaquant.controller.data.DataDirectory;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.data.Preprocessing;
import io.sigmaquant.controller.model.OnnxModels;
import io.sigmaquant.controller.quant.ActivationCalibrator;
import io.sigmaquant.controller.quant.ActivationType;
import io.sigmaquant.controller.quant.ExportOptions;
import io.sigmaquant.controller.quant.QdqExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures the latency-model benchmark's configurations for real: per fixture the three calibration
 * configurations (all float, all int8, alternating — as the closed loop starts), random training
 * configurations and random held-out ones, each exported as the loop exports it (W8A8 QDQ, activation ranges
 * from the calibration images) and timed in process at one batch and thread count.
 */
public final class LatencyMeasurements {
    private LatencyMeasurements() {
    }

    /** A model and the folder of its calibration images. */
    public record FixtureSpec(String name, Path model, Path data) {
    }

    public static LatencyDataset.Fixture measure(FixtureSpec spec, ActivationType activations, int batch, int threads,
                                                 int training, int heldOut, long seed, Consumer<String> log) {
        return measure(spec, activations, batch, threads, null, training, heldOut, seed, log);
    }

    /**
     * The same configurations as {@code earlier}'s held-out ones, measured again: how far two measurements of one
     * configuration disagree is the floor under any model's held-out error.
     */
    public static LatencyDataset.Fixture remeasureHeldOut(FixtureSpec spec, LatencyDataset.Fixture earlier,
                                                          ActivationType activations, int batch, int threads,
                                                          Consumer<String> log) {
        List<Map<String, Integer>> configs = earlier.samples().stream()
                .filter(x -> x.role() == LatencyDataset.Role.HELD_OUT).map(LatencyDataset.Sample::bits).toList();
        return measure(spec, activations, batch, threads, configs, 0, 0, 0, log);
    }

    private static LatencyDataset.Fixture measure(FixtureSpec spec, ActivationType activations, int batch, int threads,
                                                  List<Map<String, Integer>> given, int training, int heldOut, long seed,
                                                  Consumer<String> log) {
        ModelProto model = OnnxModels.load(spec.model());
        ModelAnalysis analysis = ModelAnalyzer.analyze(model);
        Preprocessing pre = Preprocessing.resolve(model, null, null, null);
        InputBatches images = new InputBatches(DataDirectory.load(spec.data(), DataDirectory.Split.CALIB)
                .limit(ActivationCalibrator.DEFAULT_IMAGES), pre, analysis.input());
        ExportOptions export = new ExportOptions(activations, analysis.opset(), threads);
        List<Layer> layers = analysis.layers();
        List<String> names = layers.stream().map(Layer::name).toList();
        float[] input = images.batch(0, Math.min(batch, images.count()));
        if (batch > images.count()) {
            throw new IllegalArgumentException("batch " + batch + " is more than the " + images.count() + " images");
        }
        List<LatencyDataset.Sample> samples = new ArrayList<>();
        Map<String, Integer> allFloat = uniform(layers, 32);
        ModelProto floatModel = QdqExporter.export(analysis, allFloat, export, images).model();
        try (InProcessLatency rig = new InProcessLatency(floatModel, analysis.input().name(),
                analysis.input().withBatch(batch), input, threads)) {
            List<Map<String, Integer>> configs = new ArrayList<>(given != null ? List.of() : calibration(layers));
            Random r = new Random(seed);
            for (int i = 0; i < training + heldOut; i++) {
                configs.add(random(layers, r));
            }
            if (given != null) {
                configs.addAll(given);
            }
            for (int i = 0; i < configs.size(); i++) {
                LatencyDataset.Role role = given != null ? LatencyDataset.Role.HELD_OUT
                        : i < 3 ? LatencyDataset.Role.CALIBRATION
                        : i < 3 + training ? LatencyDataset.Role.TRAINING : LatencyDataset.Role.HELD_OUT;
                Map<String, Integer> bits = configs.get(i);
                InProcessLatency.Result m = rig.measure(QdqExporter.export(analysis, bits, export, images).model(), names);
                samples.add(new LatencyDataset.Sample(role, bits, m.ms(), m.referenceNowMs(), m.rawMs(),
                        m.nodes().layerMicros(), m.nodes().otherMicros()));
                log.accept(String.format(java.util.Locale.ROOT, "%s %d/%d %s: %.3f ms (raw %.3f, float now %.3f)",
                        spec.name(), i + 1, configs.size(), role, m.ms(), m.rawMs(), m.referenceNowMs()));
            }
            return new LatencyDataset.Fixture(spec.name(), spec.model().toString(), rig.referenceMs(), samples)
                    .normalised();
        }
    }

    /** The closed loop's calibration configurations (loop/CalibrationConfigs, for the bits {8, 32}). */
    static List<Map<String, Integer>> calibration(List<Layer> layers) {
        Map<String, Integer> alternating = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            alternating.put(layers.get(i).name(), i % 2 == 0 ? 8 : 32);
        }
        return List.of(uniform(layers, 32), uniform(layers, 8), alternating);
    }

    static Map<String, Integer> random(List<Layer> layers, Random r) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        layers.forEach(l -> bits.put(l.name(), r.nextBoolean() ? 8 : 32));
        return bits;
    }

    private static Map<String, Integer> uniform(List<Layer> layers, int bits) {
        Map<String, Integer> config = new LinkedHashMap<>();
        layers.forEach(l -> config.put(l.name(), bits));
        return config;
    }
}
