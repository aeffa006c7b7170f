package io.sigmaquant.controller.fleet;

import java.util.Locale;

/** Why a message from the broker was not believed; {@link #label} is the metrics tag. */
public enum Untrusted {
    /** Not a protocol message (bad JSON, a field out of range, too large). */
    UNREADABLE,
    /** Not an agent's status or results topic, or a message kind that does not belong on it. */
    WRONG_TOPIC,
    /** The payload names another agent than the topic it was published on. */
    SPOOFED_AGENT_ID,
    /** A reply to a real attempt, but from another agent than the one it was sent to. */
    FOREIGN_AGENT,
    /** A job id this controller never issued. */
    UNKNOWN_JOB,
    /** A job this controller issued, but an attempt number it did not. */
    WRONG_ATTEMPT,
    /**
     * A reply for an attempt not known here, past the agent's budget of store look-ups (another replica's attempts
     * are looked up; a flood of invented job ids must not become a flood of database reads).
     */
    LOOKUPS_EXCEEDED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
