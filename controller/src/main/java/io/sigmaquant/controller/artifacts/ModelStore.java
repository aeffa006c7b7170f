package io.sigmaquant.controller.artifacts;

import io.sigmaquant.controller.files.AtomicFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** Quantized artifacts by content: {@code <sha256>.onnx} in one folder, written atomically, never changed. */
public final class ModelStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Path dir;

    public ModelStore(Path dir) {
        this.dir = dir;
    }

    /** Stores the bytes (once) and returns their SHA-256. */
    public String put(byte[] model) {
        String sha = sha256(model);
        Path file = dir.resolve(sha + ".onnx");
        if (!Files.exists(file)) {
            AtomicFile.write(file, model);
        }
        return sha;
    }

    /** The artifact, if the id is a SHA-256 this store holds. */
    public Optional<Path> get(String sha) {
        if (sha == null || !SHA256.matcher(sha).matches()) {
            return Optional.empty();
        }
        Path file = dir.resolve(sha + ".onnx");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
