package io.sigmaquant.agent.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Verified models by SHA-256 ({@code <sha256>.onnx}), least recently used evicted past a size cap. Only
 * files whose hash was checked enter; partial downloads live under a dot name and are removed on failure.
 */
public final class ModelCache {
    private final Path dir;
    private final long capBytes;

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

    public Optional<Path> get(String sha256) {
        Path p = file(sha256);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // eviction order is a nicety
        }
        return Optional.of(p);
    }

    Path partFile(String sha256) throws IOException {
        return Files.createTempFile(dir, "." + sha256, ".part");
    }

    /** Moves a verified download into the cache and evicts old entries past the cap. */
    Path admit(Path verified, String sha256) throws IOException {
        Path target = file(sha256);
        Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        evict(target);
        return target;
    }

    /** Drops a model (e.g. one ONNX Runtime refused), so that nothing bad stays cached. */
    public void remove(String sha256) {
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
