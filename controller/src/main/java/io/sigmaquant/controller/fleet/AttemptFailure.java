package io.sigmaquant.controller.fleet;

import java.util.Locale;

/** Why one attempt of a job was given up; {@link #label} is the metrics tag, {@link #reason} what is recorded. */
public enum AttemptFailure {
    /** The agent answered with an error. */
    ERROR,
    /** The lease ran out without a result. */
    TIMEOUT,
    /** The job could not be handed to the broker. */
    PUBLISH,
    /** The registry stopped offering the agent jobs while it held the attempt ({@link AgentLoss}). */
    AGENT_LOST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The reason recorded with the attempt: {@code error:<code>} (or {@code error} without a code),
     * {@code lease-expired}, {@code publish-failed}; an agent lost records its {@link AgentLoss#reason} instead.
     */
    public String reason(String errorCode) {
        return switch (this) {
            case ERROR -> errorCode == null ? "error" : "error:" + errorCode;
            case TIMEOUT -> "lease-expired";
            case PUBLISH -> "publish-failed";
            case AGENT_LOST -> "agent-lost";
        };
    }
}
