package io.sigmaquant.agent.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Verified models by SHA-256 ({@code <sha256>.onnx}), least recently used evicted past a size cap. Only
 * files whose hash was checked enter; partial downloads live under a dot name and are removed on failure.
 * <p>
 * Each file whose hash was checked in this process keeps a {@link Stamp} (size, modification time, file key):
 * a hit whose stamp still matches is not hashed again (issue 13 review: re-hashing 256 MB took 1–2 s per job on
 * a Pi), while any write, truncation or replacement changes the stamp and the next hit is hashed. The stamps
 * live in memory, so the first hit after a restart is hashed once. They guard against a file changed by
 * accident or by another program, not against one that writes and then restores the modification time.
 */
public final class ModelCache {
    private final Path dir;
    private final long capBytes;
    private final Map<String, Stamp> verified = new ConcurrentHashMap<>();

    /**
     * A cached file and whether its bytes are still the ones whose SHA-256 was checked; {@code stamp} is the
     * file's as returned (null if unreadable).
     */
    record Hit(Path file, boolean verified, Stamp stamp) {
    }

    /** What changes when a file's bytes change: its size, its modification time, or (when replaced) its key. */
    record Stamp(long size, FileTime modified, Object key) {
        static Stamp of(Path p) throws IOException {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
        }
    }

    public ModelCache(Path dir, long capBytes) {
        this.dir = dir;
        this.capBytes = capBytes;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> leftovers = Files.list(dir)) {
                for (Path p : leftovers.filter(f -> f.getFileName().toString().startsWith(".")).toList()) {
                    Files.deleteIfExists(p); // partial downloads of a process that died
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use model cache " + dir, e);
        }
    }

    /**
     * The cached model, marked as used now (eviction order), and whether it is unchanged since its hash was
     * checked.
     */
    Optional<Hit> get(String sha256) {
        Path p = file(sha256);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        boolean unchanged = matches(sha256, p);
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // eviction order is a nicety
        }
        Stamp now = stampOrNull(p);
        if (unchanged && now != null) {
            verified.put(sha256, now); // our own touch above is not a change
        }
        return Optional.of(new Hit(p, unchanged && now != null, now));
    }

    /**
     * Records that the hit's bytes were hashed and matched its name, if the file is still as it was returned
     * (a write during the hash leaves it unverified).
     */
    void verified(String sha256, Hit hit) {
        Stamp after = stampOrNull(hit.file());
        if (after != null && after.equals(hit.stamp())) {
            verified.put(sha256, after);
        }
    }

    private static Stamp stampOrNull(Path p) {
        try {
            return Stamp.of(p);
        } catch (IOException e) {
            return null;
        }
    }

    private boolean matches(String sha256, Path p) {
        Stamp now = stampOrNull(p);
        return now != null && now.equals(verified.get(sha256));
    }

    private void stamp(String sha256, Path p) {
        Stamp st = stampOrNull(p);
        if (st != null) {
            verified.put(sha256, st);
        } else {
            verified.remove(sha256); // hashed again at the next hit
        }
    }

    Path partFile(String sha256) throws IOException {
        return Files.createTempFile(dir, "." + sha256, ".part");
    }

    /** Moves a verified download into the cache and evicts old entries past the cap. */
    Path admit(Path verified, String sha256) throws IOException {
        Path target = file(sha256);
        Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        stamp(sha256, target);
        evict(target);
        return target;
    }

    /** Drops a model (e.g. one ONNX Runtime refused), so that nothing bad stays cached. */
    public void remove(String sha256) {
        verified.remove(sha256);
        try {
            Files.deleteIfExists(file(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> entries() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Path> allFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void evict(Path keep) throws IOException {
        List<Path> models = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".onnx")).forEach(models::add);
        }
        long total = 0;
        for (Path p : models) {
            total += Files.size(p);
        }
        models.sort(Comparator.comparing(p -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }));
        for (Path p : models) {
            if (total <= capBytes) {
                break;
            }
            if (!p.equals(keep)) {
                total -= Files.size(p);
                Files.deleteIfExists(p);
            }
        }
    }

    private Path file(String sha256) {
        return dir.resolve(sha256 + ".onnx");
    }
}
