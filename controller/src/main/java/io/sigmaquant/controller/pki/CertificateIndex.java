package io.sigmaquant.controller.pki;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.JsonFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every certificate a CA issued ({@code index.json}), the source of its CRL. */
final class CertificateIndex {
    private final Path file;
    private final List<IndexEntry> entries;

    private CertificateIndex(Path file, List<IndexEntry> entries) {
        this.file = file;
        this.entries = entries;
    }

    static CertificateIndex empty(Path file) {
        return new CertificateIndex(file, new ArrayList<>());
    }

    static CertificateIndex load(Path file) {
        try {
            return new CertificateIndex(file, new ArrayList<>(JsonFiles.JSON.readValue(file.toFile(),
                    new TypeReference<List<IndexEntry>>() { })));
        } catch (IOException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new UserInputException(file + ": not a certificate index (" + reason + ")", e);
        }
    }

    List<IndexEntry> entries() {
        return List.copyOf(entries);
    }

    void add(IndexEntry entry) {
        entries.add(entry);
    }

    void replace(IndexEntry old, IndexEntry updated) {
        entries.set(entries.indexOf(old), updated);
    }

    /** Serial → revocation time of every revoked certificate, in the order they were issued. */
    Map<BigInteger, Instant> revoked() {
        Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
        entries.stream().filter(IndexEntry::revoked)
                .forEach(e -> revoked.put(e.serialNumber(), Instant.parse(e.revokedAt())));
        return revoked;
    }

    void save() {
        AtomicFile.writeOwnerOnly(file, JsonFiles.bytes(entries));
    }
}
