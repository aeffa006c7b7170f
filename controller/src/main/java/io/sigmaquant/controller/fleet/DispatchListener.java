package io.sigmaquant.controller.fleet;

/** What happens to jobs, for metrics; every method may be called from any thread. */
public interface DispatchListener {
    DispatchListener NONE = new DispatchListener() {
    };

    default void dispatched(String agentId) {
    }

    /** An attempt produced a result after {@code elapsedNanos}. */
    default void succeeded(long elapsedNanos) {
    }

    default void attemptFailed(AttemptFailure why) {
    }

    /** Every attempt of a job failed. */
    default void jobFailed() {
    }

    default void lateResult() {
    }

    /** A message was not believed and dropped (see {@link UntrustedMessages}). */
    default void untrusted(Untrusted reason) {
    }
}
