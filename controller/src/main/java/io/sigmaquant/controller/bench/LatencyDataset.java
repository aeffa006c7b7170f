package io.sigmaquant.controller.bench;

import io.sigmaquant.controller.files.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measured configurations of the latency-model benchmark, kept as JSON so that refits need no device time.
 *
 * @param machine what measured them (CPU, threads, batch, ONNX Runtime version)
 */
public record LatencyDataset(String machine, List<Fixture> fixtures) {
    /** What a configuration is for: fitting (the three calibration configurations, then random ones) or holding out. */
    public enum Role { CALIBRATION, TRAINING, HELD_OUT }

    /** One model's measurements; {@code floatReferenceMs} is what every sample was scaled to (see Sample). */
    public record Fixture(String name, String model, double floatReferenceMs, List<Sample> samples) {
        /**
         * The samples rescaled to the median of the float model's interleaved times over the fixture: the first
         * reference time alone may fall in a burst of load (MobileNetV2's did: 22 ms against 6–8 ms later),
         * which leaves the end-to-end times on another scale than the profiled kernel times. A no-op once done.
         */
        public Fixture normalised() {
            double[] floats = samples.stream().mapToDouble(Sample::floatMs).sorted().toArray();
            if (floats.length == 0) {
                return this;
            }
            double median = floats.length % 2 == 1 ? floats[floats.length / 2]
                    : (floats[floats.length / 2 - 1] + floats[floats.length / 2]) / 2;
            double k = median / floatReferenceMs;
            return new Fixture(name, model, median, samples.stream().map(s -> new Sample(s.role(), s.bits(),
                    s.ms() * k, s.floatMs(), s.rawMs(), s.layerMicros(), s.otherMicros())).toList());
        }
    }

    /**
     * One measured configuration.
     *
     * @param ms           end-to-end time (a low quantile of the runs, see InProcessLatency), scaled by
     *                     floatReferenceMs / floatMs (drift correction)
     * @param floatMs      the all-float model's time measured interleaved with this configuration
     * @param rawMs        the configuration's time as measured
     * @param layerMicros  per-layer kernel µs of a profiled session (NodeAttribution), scaled like medianMs
     * @param otherMicros  kernel µs no layer accounts for (Q/DQ, reorders), scaled like medianMs
     */
    public record Sample(Role role, Map<String, Integer> bits, double ms, double floatMs, double rawMs,
                         Map<String, Double> layerMicros, double otherMicros) {
    }

    public static LatencyDataset read(Path file) {
        try {
            return JsonFiles.JSON.readValue(file.toFile(), LatencyDataset.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable latency dataset " + file, e);
        }
    }

    public void write(Path file) {
        JsonFiles.write(file, this);
    }
}
