package io.sigmaquant.controller.files;

import io.sigmaquant.protocol.tls.Revocations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA's revocation list, read again whenever the file changes ({@code sigmaquant pki revoke} rewrites it),
 * so that a revoked agent is refused at its next connect (the embedded broker) or download (the model store over
 * HTTPS) without a restart. A file that cannot be read keeps the last list that could (and says so): a
 * half-written file must not let everyone in. Here rather than in broker: the HTTPS side uses it too.
 */
public final class RevocationFile {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFile.class);

    private final Path file;
    private final X509Certificate ca;
    private Stamp loadedAt;
    private Revocations revocations;

    /** Reads the list once, so that a missing, broken or foreign file fails the broker's start. */
    public RevocationFile(Path file, X509Certificate ca) {
        this.file = file;
        this.ca = ca;
        this.revocations = Revocations.load(file, ca);
        this.loadedAt = stamp();
    }

    /** Blocking (a file stat, and a read when it changed): off the event loop. */
    public synchronized boolean revoked(X509Certificate certificate) {
        Stamp now = stamp();
        if (now != null && !now.equals(loadedAt)) {
            try {
                revocations = Revocations.load(file, ca); // only the CA's own list counts
                loadedAt = now;
                LOG.info("revocation list {} read again", file);
            } catch (RuntimeException e) {
                LOG.warn("keeping the previous revocation list: {}", e.getMessage());
            }
        }
        return revocations.revoked(certificate);
    }

    /** Time, size and inode together: a rewrite within the file system's clock tick still counts as a change. */
    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }
}
