package io.sigmaquant.controller.loop;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Why a configuration was measured; {@link #wire} is the string stored in {@code iterations.kind} and sent in JSON. */
public enum IterationKind {
    /** Chosen to make the fit identifiable (all float, all integer, alternating). */
    CALIBRATION("calibration"),
    /** The allocator's answer under the current cost model. */
    CANDIDATE("candidate"),
    /**
     * Chosen while the current cost model says no configuration meets the budgets: the one its refits most often
     * predict to meet them, or the one predicted fastest, so that "unreachable" rests on measurements.
     */
    EXPLORATION("exploration"),
    /** Benchmark: a random configuration measured after the loop to check its predictions; never fitted. */
    HELD_OUT("held-out"),
    /** Benchmark: a random configuration of the random search the loop is compared with; never fitted. */
    RANDOM("random");

    private final String wire;

    IterationKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether its measurement feeds the cost model's fit. */
    public boolean learns() {
        return this == CALIBRATION || this == CANDIDATE || this == EXPLORATION;
    }

    /** Whether the loop chose it after calibrating, so that it counts toward the iteration limit. */
    public boolean chosenByTheLoop() {
        return this == CANDIDATE || this == EXPLORATION;
    }

    /** @throws IllegalArgumentException for a string no kind maps to */
    public static IterationKind fromWire(String s) {
        return Arrays.stream(values()).filter(v -> v.wire.equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no iteration kind '" + s + "'"));
    }

    @Override
    public String toString() {
        return wire;
    }
}
