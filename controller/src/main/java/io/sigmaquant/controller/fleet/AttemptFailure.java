package io.sigmaquant.controller.fleet;

import java.util.Locale;

/** Why one attempt of a job was given up; {@link #label} is the metrics tag. */
public enum AttemptFailure {
    /** The agent answered with an error. */
    ERROR,
    /** The lease ran out without a result. */
    TIMEOUT,
    /** The job could not be handed to the broker. */
    PUBLISH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
