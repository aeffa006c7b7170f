package io.sigmaquant.controller.progress;

/**
 * One long step's progress (a sensitivity table, an export): the step says how far it has come and
 * closes when it ends, whether it finished or failed. Implementations draw a bar on a terminal, print
 * plain lines, or do nothing; the step does not know which.
 */
public interface Progress extends AutoCloseable {
    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void advance(long steps) {
        }

        @Override
        public void close() {
        }
    };

    /** Adds {@code steps} finished units of work (of the total given to {@link ProgressReporter#start}). */
    void advance(long steps);

    @Override
    void close();
}
