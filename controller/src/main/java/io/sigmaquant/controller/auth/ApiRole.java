package io.sigmaquant.controller.auth;

import java.util.Arrays;
import java.util.Locale;

/** What a bearer token may do on the API; {@link #wire} is how it is stored and typed on the command line. */
public enum ApiRole {
    /** Reads: agents, runs, results, metrics. */
    VIEWER,
    /** Reads, and starts and cancels runs. */
    OPERATOR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a request that changes something (a POST) is allowed. */
    public boolean mayChange() {
        return this == OPERATOR;
    }

    public static ApiRole fromWire(String s) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role must be viewer or operator, not '" + s + "'"));
    }
}
