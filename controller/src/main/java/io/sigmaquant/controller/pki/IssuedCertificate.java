package io.sigmaquant.controller.pki;

import io.sigmaquant.protocol.tls.Identity;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** What {@code issue} wrote: the bundle for a board, the certificate and key apart, and what it replaced. */
public record IssuedCertificate(Identity identity, BigInteger serial, Instant notAfter, Path bundle, Path certificate,
        Path key, List<IndexEntry> revoked) {
}
