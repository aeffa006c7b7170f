package io.sigmaquant.controller.store;

import io.sigmaquant.controller.run.RunStatus;
import java.util.Map;

/**
 * Hears of what {@link RunStore} writes about runs, after each write committed: for live views (the dashboard's
 * events). Called on the writing thread (a run's, or a worker's), so it must not block; it hears only this
 * process's writes, not another replica's.
 */
public interface RunListener {
    /** A run was created (queued). */
    default void created(String runId, String model, String deviceClass, Map<String, Double> budgets,
                         RunStatus status) {
    }

    /** A run's status changed; {@code status.finished()} when it ended. */
    default void statusChanged(String runId, RunStatus status, String reason) {
    }

    /** An iteration was recorded, as {@link RunStore#iterations} will return it. */
    default void iterationRecorded(String runId, RunStore.StoredIteration iteration) {
    }
}
