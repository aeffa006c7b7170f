package io.sigmaquant.controller.loop;

/**
 * How long the loop's steps took in each iteration, for metrics: the loop stays free of any metrics library.
 * Called on the run's thread.
 */
public interface LoopTimings {
    LoopTimings NONE = new LoopTimings() {
    };

    /** The cost model was refitted on the measurements so far, after one that the fit learns from. */
    default void fitted(long nanos) {
    }

    /**
     * The next configuration was decided: the allocation under the fitted model and, when it finds none within
     * the budgets, the refits on resamples and their allocations that exploration weighs.
     */
    default void solved(long nanos) {
    }

    /** A measurement's result was recorded ({@link LoopRecorder#measured}) {@code nanos} after it arrived. */
    default void recorded(long nanos) {
    }
}
