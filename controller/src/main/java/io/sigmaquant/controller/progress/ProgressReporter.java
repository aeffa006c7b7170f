package io.sigmaquant.controller.progress;

import java.io.PrintStream;

/** Starts a {@link Progress} for each long step; chosen once by whoever owns the terminal (the CLI). */
@FunctionalInterface
public interface ProgressReporter {
    /** Reports nothing (the service, tests). */
    ProgressReporter NONE = (task, total) -> Progress.NONE;

    /**
     * @param task  what runs, in a few words ("sensitivity resnet18.onnx")
     * @param total units of work the step will {@link Progress#advance} through
     */
    Progress start(String task, long total);

    /**
     * A bar on {@code err} when the command's output goes to a terminal and is not JSON, else plain lines
     * on {@code err}, so that piped or JSON output stays clean.
     */
    static ProgressReporter forCommandLine(boolean json, PrintStream err) {
        boolean terminal = System.console() != null;
        return terminal && !json ? new TerminalProgressBar(err) : new ProgressLines(err);
    }
}
