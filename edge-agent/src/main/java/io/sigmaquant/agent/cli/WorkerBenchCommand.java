package io.sigmaquant.agent.cli;

import io.sigmaquant.agent.energy.CommandRunner;
import io.sigmaquant.agent.energy.EnergyMeters;
import io.sigmaquant.agent.energy.EnergySpec;
import io.sigmaquant.agent.energy.MqttPlugPower;
import io.sigmaquant.agent.jobs.InProcessMeasurer;
import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.OrtSessions;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.agent.worker.WorkerCommand;
import io.sigmaquant.agent.worker.WorkerOverhead;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.profiles.ExecutionProvider;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sigmaquant-agent worker-bench}: what measuring in a worker process costs (docs/BENCHMARKS.md). */
@Command(name = "worker-bench", mixinStandardHelpOptions = true,
        description = "Time the measuring worker's start-up and one job through it against the same job in process.")
final class WorkerBenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "an ONNX model (examples/models/*.onnx)")
    Path model;

    @Option(names = "--repeat", paramLabel = "N", description = "repetitions of each timing (default: 5)")
    int repeat = 5;

    @Option(names = "--runs", paramLabel = "N", description = "timed runs per job (default: 50)")
    int runs = 50;

    @Option(names = "--threads", paramLabel = "N", description = "intra-op threads (default: 1)")
    int threads = 1;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("sigmaquant-worker-bench");
        String profile = "x86-64-generic";
        OrtSessions.ModelInput input = OrtSessions.describe(model);
        MeasurementJob job = new MeasurementJob(Messages.SCHEMA_VERSION, null, "bench", "bench", 1,
                new MeasurementJob.ModelRef("http://127.0.0.1/m", "0".repeat(64), Files.size(model)),
                new MeasurementJob.InputSpec(input.name(), Arrays.stream(input.shape()).boxed().toList(), input.scale(),
                        input.mean(), input.std()),
                new MeasurementJob.Settings(threads, 5, runs, 0, false, 0, 0.5), System.currentTimeMillis() + 3_600_000,
                List.of());
        Measurer measurer = new Measurer(EnergyMeters.select(EnergySpec.parse("estimate"), Path.of("/"),
                CommandRunner.SYSTEM, DeviceProfiles.load(profile), new MqttPlugPower()),
                new SystemProbe(Path.of("/"), CommandRunner.SYSTEM), Clock.SYSTEM, work);
        WorkerOverhead.Result r = WorkerOverhead.measure(new WorkerCommand.Settings("bench", profile, "estimate",
                Path.of("/"), work, ExecutionProvider.CPU), new InProcessMeasurer("bench", measurer), job, model, repeat);
        System.out.printf(Locale.ROOT, "model %s, %d timed runs, %d thread(s), %d repetitions%n", model.getFileName(),
                runs, threads, repeat);
        System.out.printf(Locale.ROOT, "worker start-up (to ready, ONNX Runtime loaded): median %.0f ms  [%s]%n",
                r.startupMs(), list(r.startups()));
        System.out.printf(Locale.ROOT, "one job in process:         median %.1f ms  [%s]%n", r.inProcessJobMs(),
                list(r.inProcess()));
        System.out.printf(Locale.ROOT, "one job through the worker: median %.1f ms  [%s]%n", r.workerJobMs(),
                list(r.worker()));
        System.out.printf(Locale.ROOT, "per-job overhead of the worker: %+.1f ms%n", r.workerJobMs() - r.inProcessJobMs());
        return 0;
    }

    private static String list(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v))
                .collect(Collectors.joining(", "));
    }
}
