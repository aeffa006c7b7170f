package io.sigmaquant.agent.worker;

import io.sigmaquant.agent.jobs.JobFailure;
import io.sigmaquant.agent.jobs.ModelMeasurer;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.protocol.message.JobError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The worker's side: reads requests, measures them one at a time, writes phases and the outcome. A reader thread
 * keeps taking input while a measurement runs, so that plug readings keep arriving; the main thread measures.
 */
public final class WorkerLoop {
    private static final WorkerLines.Request END = new WorkerLines.Request(null, null, null);

    private final ModelMeasurer measurer;
    private final Consumer<byte[]> plug;
    private final PrintStream out;
    private final Runnable agentGone;

    /** @param agentGone run when stdin ends: the agent closed the worker or died, so nothing is left to answer */
    public WorkerLoop(ModelMeasurer measurer, Consumer<byte[]> plug, PrintStream out, Runnable agentGone) {
        this.measurer = measurer;
        this.plug = plug;
        this.out = out;
        this.agentGone = agentGone;
    }

    /** Serves until stdin closes (the agent went away or closed the worker). */
    public void serve(BufferedReader in) throws InterruptedException {
        BlockingQueue<WorkerLines.Request> requests = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(in, requests), "worker-input");
        reader.setDaemon(true);
        reader.start();
        write(WorkerLines.Output.readyLine());
        for (WorkerLines.Request r; (r = requests.take()) != END; ) {
            write(measure(r));
        }
    }

    private void read(BufferedReader in, BlockingQueue<WorkerLines.Request> requests) {
        try {
            for (String line; (line = in.readLine()) != null; ) {
                WorkerLines.Input input = WorkerLines.read(line, WorkerLines.Input.class);
                if (input.plug() != null) {
                    plug.accept(input.plug().getBytes(StandardCharsets.UTF_8));
                } else if (input.measure() != null) {
                    requests.add(input.measure());
                }
            }
        } catch (IOException e) {
            // the agent is gone: end like a closed stdin
        } finally {
            requests.add(END);
            agentGone.run();
        }
    }

    private WorkerLines.Output measure(WorkerLines.Request r) {
        try {
            Path reference = r.reference() == null ? null : Path.of(r.reference());
            // the agent kills this process at the deadline; stopping here first just saves the kill
            return WorkerLines.Output.result(measurer.measure(r.job(), Path.of(r.model()), reference,
                    phase -> write(WorkerLines.Output.phase(phase)),
                    () -> r.job().deadlineMs() <= System.currentTimeMillis()));
        } catch (JobFailure e) {
            return WorkerLines.Output.failure(e.code(), e.getMessage());
        } catch (Measurer.CancelledException e) {
            return WorkerLines.Output.failure(JobError.Codes.DEADLINE_EXCEEDED, "the deadline passed while measuring");
        } catch (RuntimeException | OutOfMemoryError e) {
            return WorkerLines.Output.failure(JobError.Codes.MEASUREMENT_FAILED, e.toString());
        }
    }

    private void write(WorkerLines.Output line) {
        synchronized (out) {
            out.println(WorkerLines.write(line));
            out.flush();
        }
    }
}
