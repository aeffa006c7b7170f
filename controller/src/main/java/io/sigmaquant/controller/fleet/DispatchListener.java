package io.sigmaquant.controller.fleet;

/** What happens to jobs, for metrics; every method may be called from any thread. */
public interface DispatchListener {
    DispatchListener NONE = new DispatchListener() {
    };

    default void dispatched(String agentId) {
    }

    /**
     * An attempt waited {@code nanos} for an online agent of its class: about zero when one was online at once, the
     * whole wait when none came.
     */
    default void waitedForAgent(long nanos) {
    }

    /** The agent's {@code accepted} reply to an attempt came {@code nanos} after the job was handed to MQTT. */
    default void accepted(long nanos) {
    }

    /** A result reached the measurement waiting for it {@code nanos} after it arrived from the broker. */
    default void resultHandled(long nanos) {
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
