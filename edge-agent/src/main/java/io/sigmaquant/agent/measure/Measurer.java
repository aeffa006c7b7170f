package io.sigmaquant.agent.measure;

import io.sigmaquant.agent.energy.EnergyMeter;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.profiles.ExecutionProvider;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Measures a model the same way for {@code bench} and for jobs: warm-up, an idle energy baseline, timed runs
 * until a count and a minimum duration are both reached and then until the median's 95 % interval is narrow
 * enough or a time cap ({@link TimedRuns}), then a separate profiled session for per-node kernel times; system
 * state before and after. With a reference model, the timed runs alternate between the two
 * ({@link PairedRounds}).
 */
public final class Measurer {
    /**
     * One model to measure: the file, its input shape and preprocessing.
     *
     * @param inputName the model input to feed; null = the model's first input
     */
    public record Target(Path model, String inputName, long[] shape, double scale, double mean, double std) {
        public Target(Path model, long[] shape, double scale, double mean, double std) {
            this(model, null, shape, scale, mean, std);
        }
    }

    private final EnergyMeter meter;
    private final SystemProbe probe;
    private final Clock clock;
    private final Path workDir;
    private final SessionOpener opener;
    private final ExecutionProvider provider;

    /** Measures on the CPU provider. */
    public Measurer(EnergyMeter meter, SystemProbe probe, Clock clock, Path workDir) {
        this(meter, probe, clock, workDir, ExecutionProvider.CPU);
    }

    /** @param provider where ONNX Runtime runs the model, for the timed and the profiled sessions */
    public Measurer(EnergyMeter meter, SystemProbe probe, Clock clock, Path workDir, ExecutionProvider provider) {
        this(meter, probe, clock, workDir, SessionOpener.onnxRuntime(provider), provider);
    }

    /** @param opener opens the timed sessions (profiling always uses ONNX Runtime on the CPU, whose trace it reads) */
    public Measurer(EnergyMeter meter, SystemProbe probe, Clock clock, Path workDir, SessionOpener opener) {
        this(meter, probe, clock, workDir, opener, ExecutionProvider.CPU);
    }

    private Measurer(EnergyMeter meter, SystemProbe probe, Clock clock, Path workDir, SessionOpener opener,
                     ExecutionProvider provider) {
        this.meter = meter;
        this.probe = probe;
        this.clock = clock;
        this.workDir = workDir;
        this.opener = opener;
        this.provider = provider;
    }

    /** The provider the model runs on, which results report. */
    public ExecutionProvider provider() {
        return provider;
    }

    /**
     * @param phase     told each phase as it starts (warming-up, measuring, profiling)
     * @param cancelled polled between runs; true stops the measurement with {@link CancelledException}
     */
    public Measurement measure(Target target, MeasurementSettings s, Consumer<String> phase, BooleanSupplier cancelled) {
        JobResult.SystemSample before = probe.sample();
        TimedRuns runs;
        double joules;
        double idleWatts;
        try (InferenceSession session = opener.open(target, s.threads())) {
            phase.accept("warming-up");
            warm(session, s, cancelled);
            idleWatts = idleWatts(s.idleBaselineMs());
            phase.accept("measuring");
            EnergyMeter.Window window = meter.start();
            runs = TimedRuns.run(session, s, clock, cancelled);
            joules = window.stopJoules();
        }
        List<JobResult.NodeTime> nodes = profileIfAsked(target, s, phase, cancelled);
        JobResult.Energy energy = energy(joules, idleWatts, runs.windowMs(), 1, runs.stats().runs(),
                meter.estimated() ? "estimated from CPU time and the profile's power figures" : null);
        return new Measurement(runs.stats(), runs.windowMs(), nodes, energy, probe.peakMemoryBytes(), before,
                probe.sample(), runs.targetReached());
    }

    /**
     * Measures {@code candidate} in alternating rounds with {@code reference}, both opened and warmed with the
     * same settings ({@link PairedRounds}). Node times are the candidate's; its energy is the loop's energy above
     * idle apportioned by the candidate's share of the timed time, since one meter cannot tell the blocks apart.
     */
    public PairedMeasurement measurePaired(Target candidate, Target reference, MeasurementSettings s,
                                           Consumer<String> phase, BooleanSupplier cancelled) {
        JobResult.SystemSample before = probe.sample();
        PairedRounds rounds;
        double joules;
        double idleWatts;
        try (InferenceSession a = opener.open(candidate, s.threads());
             InferenceSession b = opener.open(reference, s.threads())) {
            phase.accept("warming-up");
            warm(a, s, cancelled);
            warm(b, s, cancelled);
            idleWatts = idleWatts(s.idleBaselineMs());
            phase.accept("measuring");
            EnergyMeter.Window window = meter.start();
            rounds = PairedRounds.run(a, b, s, clock, () -> { }, cancelled);
            joules = window.stopJoules();
        }
        List<JobResult.NodeTime> nodes = profileIfAsked(candidate, s, phase, cancelled);
        TimedRuns a = rounds.candidate();
        double timed = a.windowMs() + rounds.reference().windowMs();
        JobResult.Energy energy = energy(joules, idleWatts, rounds.windowMs(), timed > 0 ? a.windowMs() / timed : 0,
                a.stats().runs(), "paired with a reference: the candidate's share of the alternating rounds' energy"
                        + (meter.estimated() ? ", estimated from CPU time and the profile's power figures" : ""));
        Measurement m = new Measurement(a.stats(), a.windowMs(), nodes, energy, probe.peakMemoryBytes(), before,
                probe.sample(), a.targetReached());
        return new PairedMeasurement(m, rounds.reference(), rounds.ratio(), rounds.ratioReached());
    }

    private static void warm(InferenceSession session, MeasurementSettings s, BooleanSupplier cancelled) {
        for (int i = 0; i < s.warmupRuns(); i++) {
            TimedRuns.checkCancelled(cancelled);
            session.run();
        }
    }

    /** @param share the candidate's part of the window's energy above idle (1 when it ran alone) */
    private JobResult.Energy energy(double joules, double idleWatts, double windowMs, double share, int runs,
                                    String note) {
        double dynamicJoules = Math.max(0, joules - idleWatts * windowMs / 1e3) * share;
        return new JobResult.Energy(meter.id(), meter.estimated(), dynamicJoules / runs * 1e3,
                windowMs > 0 ? joules / (windowMs / 1e3) : 0, idleWatts, note);
    }

    private List<JobResult.NodeTime> profileIfAsked(Target target, MeasurementSettings s, Consumer<String> phase,
                                                    BooleanSupplier cancelled) {
        if (s.profiledRuns() == 0) {
            return List.of();
        }
        phase.accept("profiling");
        return profile(target, s, cancelled);
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
        try (OrtSessions.Session session = OrtSessions.open(target, s.threads(), prefix.toString(), provider)) {
            for (int i = 0; i < s.profiledRuns(); i++) {
                TimedRuns.checkCancelled(cancelled);
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

    /** The measurement was cancelled or passed its deadline. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("cancelled");
        }
    }
}
