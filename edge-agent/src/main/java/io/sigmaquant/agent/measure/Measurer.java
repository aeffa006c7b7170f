package io.sigmaquant.agent.measure;

import io.sigmaquant.agent.energy.EnergyMeter;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Measures a model the same way for {@code bench} and for jobs: warm-up, an idle energy baseline, timed runs
 * until a count and a minimum duration are both reached, then a separate profiled session for per-node
 * kernel times; system state before and after.
 */
public final class Measurer {
    /** One model to measure: the file, its input shape and preprocessing. */
    public record Target(Path model, long[] shape, double scale, double mean, double std) {
    }

    private final EnergyMeter meter;
    private final SystemProbe probe;
    private final Clock clock;
    private final Path workDir;

    public Measurer(EnergyMeter meter, SystemProbe probe, Clock clock, Path workDir) {
        this.meter = meter;
        this.probe = probe;
        this.clock = clock;
        this.workDir = workDir;
    }

    /**
     * @param phase     told each phase as it starts (warming-up, measuring, profiling)
     * @param cancelled polled between runs; true stops the measurement with {@link CancelledException}
     */
    public Measurement measure(Target target, MeasurementSettings s, Consumer<String> phase, BooleanSupplier cancelled) {
        JobResult.SystemSample before = probe.sample();
        List<Double> samples = new ArrayList<>();
        double windowMs;
        double joules;
        double idleWatts;
        try (InferenceSession session = OrtSessions.open(target.model(), target.shape(), s.threads(), target.scale(),
                target.mean(), target.std(), null)) {
            phase.accept("warming-up");
            for (int i = 0; i < s.warmupRuns(); i++) {
                check(cancelled);
                session.run();
            }
            idleWatts = idleWatts(s.idleBaselineMs());
            phase.accept("measuring");
            EnergyMeter.Window window = meter.start();
            long start = clock.nanoTime();
            long minNanos = s.minDurationMs() * 1_000_000;
            while (samples.size() < s.maxRuns() && (samples.size() < s.minRuns() || clock.nanoTime() - start < minNanos)) {
                check(cancelled);
                long t0 = clock.nanoTime();
                session.run();
                samples.add((clock.nanoTime() - t0) / 1e6);
            }
            windowMs = (clock.nanoTime() - start) / 1e6;
            joules = window.stopJoules();
        }
        List<JobResult.NodeTime> nodes = List.of();
        if (s.profiledRuns() > 0) {
            phase.accept("profiling");
            nodes = profile(target, s, cancelled);
        }
        LatencyStats stats = LatencyStats.of(samples.stream().mapToDouble(Double::doubleValue).toArray());
        double dynamicJoules = Math.max(0, joules - idleWatts * windowMs / 1e3);
        JobResult.Energy energy = new JobResult.Energy(meter.id(), meter.estimated(),
                dynamicJoules / samples.size() * 1e3, joules / (windowMs / 1e3), idleWatts,
                meter.estimated() ? "estimated from CPU time and the profile's power figures" : null);
        return new Measurement(stats, windowMs, nodes, energy, probe.peakMemoryBytes(), before, probe.sample());
    }

    /** Average power with nothing running, so that energy per inference excludes what the board burns anyway. */
    private double idleWatts(long ms) {
        if (ms <= 0 || meter.estimated()) {
            return 0;
        }
        EnergyMeter.Window w = meter.start();
        long start = System.nanoTime();
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return w.stopJoules() / ((System.nanoTime() - start) / 1e9);
    }

    private List<JobResult.NodeTime> profile(Target target, MeasurementSettings s, BooleanSupplier cancelled) {
        Path prefix = workDir.resolve("ort-profile-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Path trace = null;
        try (OrtSessions.Session session = OrtSessions.open(target.model(), target.shape(), s.threads(),
                target.scale(), target.mean(), target.std(), prefix.toString())) {
            for (int i = 0; i < s.profiledRuns(); i++) {
                check(cancelled);
                session.run();
            }
            trace = session.endProfiling();
            return NodeProfile.parse(trace);
        } finally {
            if (trace != null) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException ignored) {
                    // a stray trace in the work folder is harmless
                }
            }
        }
    }

    private static void check(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancelledException();
        }
    }

    /** The measurement was cancelled or passed its deadline. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("cancelled");
        }
    }
}
