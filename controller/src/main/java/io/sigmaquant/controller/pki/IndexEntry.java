package io.sigmaquant.controller.pki;

import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import java.math.BigInteger;
import java.time.Instant;

/**
 * One issued certificate in {@code index.json}: serial (lower-case hex), role, name, expiry, whether and when it
 * was revoked.
 * Times are ISO-8601 strings so that the file reads well and needs no Jackson time module.
 */
public record IndexEntry(String serial, String role, String name, String notAfter, boolean revoked,
        String revokedAt) {
    static IndexEntry issued(Identity identity, BigInteger serial, Instant notAfter) {
        return new IndexEntry(serial.toString(16), identity.role().wire(), identity.name(), notAfter.toString(), false,
                null);
    }

    IndexEntry revokedAt(Instant when) {
        return new IndexEntry(serial, role, name, notAfter, true, when.toString());
    }

    BigInteger serialNumber() {
        return new BigInteger(serial, 16);
    }

    boolean expiredAt(Instant now) {
        return !Instant.parse(notAfter).isAfter(now);
    }

    boolean isFor(Identity identity) {
        return identity.name().equals(name) && Role.fromWire(role).filter(identity.role()::equals).isPresent();
    }
}
