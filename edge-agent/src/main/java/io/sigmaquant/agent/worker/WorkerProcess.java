package io.sigmaquant.agent.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running worker JVM: lines in, lines out, and a kill that always works. */
final class WorkerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
    /** Put in the output queue when the worker's stdout ends: it exited or was killed. */
    static final WorkerLines.Output EXITED = WorkerLines.Output.failure("exited", "exited");

    private final Process process;
    private final Writer in;
    private final BlockingQueue<WorkerLines.Output> outputs = new LinkedBlockingQueue<>();

    private WorkerProcess(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "worker-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a worker and waits for its ready line.
     *
     * @throws IOException when it cannot be started, exits, or is not ready in time (then it is killed)
     */
    static WorkerProcess start(List<String> command, Duration readyWithin) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        WorkerProcess w = new WorkerProcess(p);
        WorkerLines.Output first = w.next(readyWithin.toMillis());
        if (first == null || !Boolean.TRUE.equals(first.ready())) {
            w.close();
            throw new IOException(first == null ? "not ready within " + readyWithin.toSeconds() + " s"
                    : "exited before it was ready (exit code " + w.exitCode() + ")");
        }
        return w;
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                try {
                    outputs.add(WorkerLines.read(line, WorkerLines.Output.class));
                } catch (JsonProcessingException e) {
                    LOG.debug("worker printed a line that is not ours: {}", line);
                }
            }
        } catch (IOException e) {
            // the pipe broke: the worker is gone
        } finally {
            outputs.add(EXITED);
        }
    }

    /** Sends one line; false when the worker no longer reads. */
    synchronized boolean send(WorkerLines.Input input) {
        try {
            in.write(WorkerLines.write(input));
            in.write('\n');
            in.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The next output line, {@link #EXITED} once the worker is gone, null when none came within the time. */
    WorkerLines.Output next(long timeoutMs) {
        try {
            return outputs.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    String exitCode() {
        return process.isAlive() ? "running" : String.valueOf(process.exitValue());
    }

    long pid() {
        return process.pid();
    }

    /** Kills the worker (and anything it started) and waits until it is gone. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("worker {} did not exit within 10 s of SIGKILL", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
