package io.sigmaquant.controller.progress;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar redrawn in place on a terminal (me.tongfei:progressbar), with elapsed time and ETA; a wait
 * ({@link ProgressReporter#UNKNOWN_TOTAL}) is an indeterminate bar with its elapsed time.
 */
final class TerminalProgressBar implements ProgressReporter {
    /** Redraws per second that a 2-core machine does not notice. */
    private static final Duration REFRESH = Duration.ofMillis(250);

    private final PrintStream out;

    TerminalProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public Progress start(String task, long total) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis((int) REFRESH.toMillis())
                .setConsumer(new ConsoleProgressBarConsumer(out)).showSpeed().build();
        return new Progress() {
            @Override
            public void advance(long steps) {
                if (total != UNKNOWN_TOTAL) {
                    bar.stepBy(steps); // a wait's bar shows only its elapsed time, not a count with no total
                }
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
