package io.sigmaquant.controller.progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Progress as plain lines for logs and pipes: one line at each tenth of the work and one at the end, so a
 * step prints at most eleven lines however many units it has; one stopped before its first unit prints none. A wait ({@link ProgressReporter#UNKNOWN_TOTAL})
 * prints a line when it starts, one every {@code every} while it lasts and one when it ends.
 */
final class ProgressLines implements ProgressReporter {
    /** How often a wait says it still waits: a log shows it is alive without a line a second. */
    static final Duration STILL_WAITING_EVERY = Duration.ofSeconds(15);

    /** One daemon thread for every wait's reminder lines: they only print, and must not keep the JVM alive. */
    private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-lines");
        t.setDaemon(true);
        return t;
    });

    private final PrintWriter out;
    private final Duration every;

    ProgressLines(PrintWriter out) {
        this(out, STILL_WAITING_EVERY);
    }

    ProgressLines(PrintWriter out, Duration every) {
        this.out = out;
        this.every = every;
    }

    @Override
    public Progress start(String task, long total) {
        return total == UNKNOWN_TOTAL ? new Wait(task) : new Counted(task, total);
    }

    /** {@code task: TEXT(N s)END}: the end says how a step finished, " done" or " stopped". */
    private synchronized void print(String task, long startNanos, String text, String end) {
        out.printf(Locale.ROOT, "%s: %s(%.0f s)%s%n", task, text, (System.nanoTime() - startNanos) / 1e9, end);
        out.flush();
    }

    /** A step of known length. */
    private final class Counted implements Progress {
        private final String task;
        private final long total;
        private final long startNanos = System.nanoTime();
        private long done;
        private long printedTenth;

        Counted(String task, long total) {
            this.task = task;
            this.total = total;
        }

        @Override
        public synchronized void advance(long steps) {
            done = Math.min(total, done + steps);
            long tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth > printedTenth && done < total) {
                printedTenth = tenth;
                print(task, startNanos, done + "/" + total + " ", "");
            }
        }

        @Override
        public synchronized void close() {
            if (done == 0 && total > 0) {
                return; // refused before its first unit: the error that stopped it says why, alone on its line
            }
            print(task, startNanos, done + "/" + total + " ", done >= total ? " done" : " stopped");
        }
    }

    /** A wait of unknown length: finished once {@link #advance} is called. */
    private final class Wait implements Progress {
        private final String task;
        private final long startNanos = System.nanoTime();
        private final ScheduledFuture<?> reminder;
        private boolean finished;

        Wait(String task) {
            this.task = task;
            print(task, startNanos, "waiting ", "");
            long ms = every.toMillis();
            reminder = TICKS.scheduleAtFixedRate(() -> print(task, startNanos, "still waiting ", ""), ms, ms,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void advance(long steps) {
            finished = true;
        }

        @Override
        public synchronized void close() {
            reminder.cancel(false);
            print(task, startNanos, "waited ", finished ? " done" : " stopped");
        }
    }
}
