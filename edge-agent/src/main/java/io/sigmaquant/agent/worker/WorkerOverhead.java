package io.sigmaquant.agent.worker;

import io.sigmaquant.agent.jobs.Availability;
import io.sigmaquant.agent.jobs.ModelMeasurer;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What measuring in a worker process costs: the worker's start-up (JVM, class loading, ONNX Runtime's natives),
 * and the wall time of one job's measurement through a warm worker against the same measurement in this process.
 */
public final class WorkerOverhead {
    /** Medians over the repetitions, in milliseconds. */
    public record Result(double startupMs, double inProcessJobMs, double workerJobMs, double[] startups,
                         double[] inProcess, double[] worker) {
    }

    private WorkerOverhead() {
    }

    /** Starts {@code repeat} workers one after another, then runs the job {@code repeat} times each way. */
    public static Result measure(WorkerCommand.Settings settings, ModelMeasurer inProcess, MeasurementJob job,
                                 Path model, int repeat) throws IOException {
        List<String> command = WorkerCommand.of(settings, WorkerMain.class);
        double[] startups = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            try (WorkerProcess w = WorkerProcess.start(command, WorkerMeasurer.READY_WITHIN)) {
                startups[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] local = new double[repeat];
        double[] remote = new double[repeat];
        try (WorkerMeasurer worker = new WorkerMeasurer(command, Availability.ignored())) {
            worker.measure(job, model, null, p -> { }, () -> false); // start it and warm it, as a running agent has
            inProcess.measure(job, model, null, p -> { }, () -> false);
            for (int i = 0; i < repeat; i++) { // interleaved, so that drift of the machine hits both alike
                remote[i] = timed(() -> worker.measure(job, model, null, p -> { }, () -> false));
                local[i] = timed(() -> inProcess.measure(job, model, null, p -> { }, () -> false));
            }
        }
        return new Result(median(startups), median(local), median(remote), startups, local, remote);
    }

    private static double timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
