package io.sigmaquant.controller.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress as plain lines for logs and pipes: one line at each tenth of the work and one at the end, so a
 * step prints at most eleven lines however many units it has.
 */
final class ProgressLines implements ProgressReporter {
    private final PrintStream out;

    ProgressLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public Progress start(String task, long total) {
        long startNanos = System.nanoTime();
        return new Progress() {
            private long done;
            private long printedTenth;

            @Override
            public synchronized void advance(long steps) {
                done = Math.min(total, done + steps);
                long tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth > printedTenth && done < total) {
                    printedTenth = tenth;
                    print("");
                }
            }

            @Override
            public synchronized void close() {
                print(done >= total ? " done" : " stopped");
            }

            private void print(String suffix) {
                out.printf(Locale.ROOT, "%s: %d/%d (%.0f s)%s%n", task, done, total,
                        (System.nanoTime() - startNanos) / 1e9, suffix);
                out.flush();
            }
        };
    }
}
