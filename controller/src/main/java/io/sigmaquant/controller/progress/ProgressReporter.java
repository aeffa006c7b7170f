package io.sigmaquant.controller.progress;

import java.io.PrintWriter;

/** Starts a {@link Progress} for each long step; chosen once by whoever owns the terminal (the CLI). */
@FunctionalInterface
public interface ProgressReporter {
    /** Reports nothing (the service, tests). */
    ProgressReporter NONE = (task, total) -> Progress.NONE;

    /**
     * The total of a wait (for an agent, for a measurement): it has no units, shows how long it has lasted, and
     * counts as finished once {@link Progress#advance} is called before it closes.
     */
    long UNKNOWN_TOTAL = -1;

    /**
     * @param task  what runs, in a few words ("sensitivity resnet18.onnx")
     * @param total units of work the step will {@link Progress#advance} through, or {@link #UNKNOWN_TOTAL}
     */
    Progress start(String task, long total);

    /**
     * A bar on the process's standard error when the command runs on a terminal and does not print JSON, else
     * plain lines on {@code err} (the command's error stream), so that piped or JSON output stays clean.
     */
    static ProgressReporter forCommandLine(boolean json, PrintWriter err) {
        boolean terminal = System.console() != null;
        return terminal && !json ? new TerminalProgressBar(System.err) : new ProgressLines(err);
    }
}
