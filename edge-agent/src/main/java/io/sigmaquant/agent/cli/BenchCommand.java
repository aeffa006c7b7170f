package io.sigmaquant.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.energy.CommandRunner;
import io.sigmaquant.agent.energy.EnergyMeter;
import io.sigmaquant.agent.energy.EnergyMeters;
import io.sigmaquant.agent.energy.EnergySpec;
import io.sigmaquant.agent.energy.MqttPlugPower;
import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.LatencyStats;
import io.sigmaquant.agent.measure.Measurement;
import io.sigmaquant.agent.measure.MeasurementSettings;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.OrtNatives;
import io.sigmaquant.agent.measure.OrtProviders;
import io.sigmaquant.agent.measure.OrtSessions;
import io.sigmaquant.agent.measure.ProviderChoice;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant-agent bench MODEL}: the job measurement, without a broker. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure a model here with the same code jobs use: latency distribution, per-node times, energy.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "ONNX model")
    Path model;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "200", description = "minimum timed runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--min-duration-ms", paramLabel = "MS", defaultValue = "2000",
            description = "minimum timed duration (default: ${DEFAULT-VALUE})")
    long minDurationMs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20", description = "warm-up runs (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "batch size, for models with a dynamic batch axis (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--profile", paramLabel = "ID|FILE", defaultValue = "x86-64-generic",
            description = "device profile (for the energy estimate; default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--energy", paramLabel = "METER", defaultValue = "auto", description = "energy meter (default: ${DEFAULT-VALUE})")
    String energy;

    @Option(names = "--compare-bare", description = "also time a bare ONNX Runtime loop, to show the agent's overhead")
    boolean compareBare;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    OrtFlags ort;

    /** JSON form; {@code executionProvider} is the provider that measured, by ONNX Runtime's name. */
    record Report(String model, int threads, int batch, JobResult.Latency latency, Double bareLoopMedianMs,
                  JobResult.Energy energy, long peakMemoryBytes, List<JobResult.NodeTime> nodes,
                  JobResult.SystemSample before, JobResult.SystemSample after, String executionProvider) {
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model file not found: " + model);
        }
        if (runs < 1 || warmup < 0 || threads < 0 || minDurationMs < 0) {
            throw new IllegalArgumentException("--runs must be positive; --warmup, --threads, --min-duration-ms not negative");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be positive: " + batch);
        }
        ExecutionProvider requested = ort.provider() != null ? ort.provider() : AgentOptions.DEFAULT_EXECUTION_PROVIDER;
        OrtNatives.load(ort.ortNativePath == null ? null : OrtNatives.check(ort.ortNativePath));
        ProviderChoice provider = OrtProviders.choose(requested);
        if (provider.warning() != null) {
            spec.commandLine().getErr().println("sigmaquant-agent: warning: " + provider.warning());
            spec.commandLine().getErr().flush();
        }
        OrtSessions.ModelInput input = OrtSessions.describe(model).withBatch(batch);
        EnergyMeter meter = EnergyMeters.select(EnergySpec.parse(energy), Path.of("/"), CommandRunner.SYSTEM, DeviceProfiles.load(profile),
                new MqttPlugPower());
        Path work = Files.createTempDirectory("sigmaquant-bench");
        Measurement m = new Measurer(meter, new SystemProbe(Path.of("/"), CommandRunner.SYSTEM), Clock.SYSTEM, work,
                provider.used())
                .measure(new Measurer.Target(model, input.shape(), input.scale(), input.mean(), input.std()),
                        new MeasurementSettings(threads, warmup, runs, minDurationMs, Math.max(runs, 1_000_000), 10, 300),
                        phase -> { }, () -> false);
        Files.deleteIfExists(work);
        Double bare = compareBare ? bareLoopMedian(input, m.latency().runs(), provider.used()) : null;
        Report r = new Report(model.toString(), threads, batch, m.latency().toWire(m.timedWindowMs(), m.ciTargetReached()), bare, m.energy(),
                m.peakMemoryBytes(), m.nodes(), m.before(), m.after(), provider.usedName());
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            print(out, r);
        }
        out.flush();
        return 0;
    }

    /** The same inference in a plain loop with nothing around it but the clock. */
    private double bareLoopMedian(OrtSessions.ModelInput input, int n, ExecutionProvider provider) {
        try (OrtSessions.Session s = OrtSessions.open(new Measurer.Target(model, input.shape(), input.scale(),
                input.mean(), input.std()), threads, null, provider)) {
            for (int i = 0; i < warmup; i++) {
                s.run();
            }
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                s.run();
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            return LatencyStats.of(t).medianMs();
        }
    }

    private static void print(java.io.PrintWriter out, Report r) {
        JobResult.Latency l = r.latency();
        out.printf(Locale.ROOT, "execution provider: %s%n", r.executionProvider());
        out.printf(Locale.ROOT, "%s, batch %d, %d thread(s): median %.3f ms, p90 %.3f, p99 %.3f, CV %.3f over %d runs (%.0f ms)%n",
                r.model(), r.batch(), r.threads(), l.medianMs(), l.p90Ms(), l.p99Ms(), l.cv(), l.runs(), l.totalMs());
        out.printf(Locale.ROOT, "median 95 %% CI %.3f–%.3f ms (%s the ±%.0f %% target)%n", l.medianCiLowMs(),
                l.medianCiHighMs(), Boolean.TRUE.equals(l.ciTargetReached()) ? "within" : "not within",
                MeasurementSettings.DEFAULT_CI_HALF_WIDTH * 100);
        if (r.bareLoopMedianMs() != null) {
            out.printf(Locale.ROOT, "bare ONNX Runtime loop: median %.3f ms%n", r.bareLoopMedianMs());
        }
        out.printf(Locale.ROOT, "energy (%s%s): %.4f mJ per inference, %.2f W average, %.2f W idle%n",
                r.energy().meter(), r.energy().estimated() ? ", estimated" : "", r.energy().millijoulesPerInference(),
                r.energy().averageWatts(), r.energy().idleWatts());
        out.printf(Locale.ROOT, "peak memory (process): %.1f MiB%n", r.peakMemoryBytes() / 1048576.0);
        double sum = r.nodes().stream().mapToDouble(JobResult.NodeTime::micros).sum();
        out.printf(Locale.ROOT, "per-node kernel time: %.3f ms in %d nodes; slowest:%n", sum / 1000, r.nodes().size());
        r.nodes().stream().sorted(Comparator.comparingDouble(JobResult.NodeTime::micros).reversed()).limit(8)
                .forEach(n -> out.printf(Locale.ROOT, "  %-48s %-16s %9.1f us%n", n.node(), n.op(), n.micros()));
    }
}
