package io.sigmaquant.protocol.tls;

import java.util.Arrays;
import java.util.Optional;

/** What a certificate's holder may do; carried as the subject's OU. */
public enum Role {
    /** An edge agent: an MQTT client (clientAuth) with rights on its own topics only. */
    AGENT("agent"),
    /** A controller: MQTT client with the controller's rights, and server of HTTPS and the embedded broker. */
    CONTROLLER("controller"),
    /**
     * An external broker's server certificate (serverAuth only): it proves the broker to agents and controllers
     * and gives its holder nothing else — no MQTT rights, no model downloads, no controller role (issue 13: a
     * broker certificate issued as a controller gave whoever held the broker's key the controller's rights).
     */
    BROKER("broker");

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
