package io.sigmaquant.controller.sensitivity;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.files.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sensitivity tables on disk, keyed by the model's SHA-256, the mode, the calibration data and the
 * bitwidths, so a table is computed once per model and reused by every later command.
 */
public final class SensitivityCache {
    /**
     * Bump when the quantizer or the KL definition changes, so old tables are not reused. v2: outputs mode
     * runs sliced models and may stop probes early (the stopping rule is part of the key).
     */
    private static final String VERSION = "v2";
    private static final Logger LOG = LoggerFactory.getLogger(SensitivityCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public SensitivityCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $SIGMAQUANT_CACHE_DIR}, else {@code $XDG_CACHE_HOME/sigmaquant}, else {@code ~/.cache/sigmaquant}. */
    public static Path defaultDir() {
        String explicit = System.getenv("SIGMAQUANT_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sigmaquant");
    }

    public static String key(byte[] modelBytes, SensitivityMode mode, InputBatches calibration, List<Integer> bits,
                             String rule) {
        MessageDigest data = sha256();
        if (calibration != null) {
            for (int from = 0; from < calibration.count(); from += 256) {
                int n = Math.min(256, calibration.count() - from);
                float[] x = calibration.batch(from, n);
                ByteBuffer buf = ByteBuffer.allocate(x.length * 4);
                buf.asFloatBuffer().put(x);
                data.update(buf);
            }
        }
        String model = HexFormat.of().formatHex(sha256().digest(modelBytes));
        String rest = HexFormat.of().formatHex(data.digest((VERSION + mode + bits + rule).getBytes())).substring(0, 16);
        return model + "-" + mode.id() + "-" + rest;
    }

    public Optional<SensitivityTable> get(String key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), SensitivityTable.class));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable sensitivity cache entry {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    SensitivityTable put(String key, SensitivityTable table) {
        try {
            AtomicFile.write(file(key), JSON.writeValueAsBytes(table));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not cache sensitivity table in {}: {}", dir, e.getMessage());
        }
        return table;
    }

    private Path file(String key) {
        return dir.resolve("sensitivity").resolve(key + ".json");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
