package io.sigmaquant.protocol.tls;

import java.util.Arrays;
import java.util.Optional;

/** What a certificate's holder may do; carried as the subject's OU. */
public enum Role {
    AGENT("agent"),
    CONTROLLER("controller");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    /** The OU value in a certificate's subject (and the role name on the command line). */
    public String wire() {
        return wire;
    }

    public static Optional<Role> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire.equals(value)).findFirst();
    }
}
