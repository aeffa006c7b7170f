package io.sigmaquant.controller.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** Where a run stands; {@link #wire} is the string stored in {@code runs.status} and sent in JSON. */
public enum RunStatus {
    /** Accepted, waiting for a worker (or resumed after a restart). */
    QUEUED("queued"),
    RUNNING("running"),
    /** A measured candidate met every budget and was predicted within the tolerance. */
    CONVERGED("converged"),
    /** The loop ended without such a candidate; the reason says why. */
    NOT_CONVERGED("not-converged"),
    /** The run could not go on: bad input found late, no agent, an error. */
    FAILED("failed"),
    /** Stopped by an operator; final: a restart does not resume it. */
    CANCELLED("cancelled");

    private final String wire;

    RunStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** False while a worker has it or will take it up. */
    public boolean finished() {
        return this != QUEUED && this != RUNNING;
    }

    public static RunStatus of(boolean converged) {
        return converged ? CONVERGED : NOT_CONVERGED;
    }

    public static List<RunStatus> unfinished() {
        return Arrays.stream(values()).filter(s -> !s.finished()).toList();
    }

    /** @throws IllegalArgumentException for a string no status maps to */
    public static RunStatus fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run status '" + s + "'"));
    }

    @Override
    public String toString() {
        return wire;
    }
}
