package io.sigmaquant.controller.run;

import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.data.InputBatches;
import io.sigmaquant.controller.quant.ActivationRanges;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What runs of one model share instead of computing each: its analysis (keyed by the model's SHA-256) and its
 * sensitivity tables (keyed as the on-disk sensitivity cache keys them: model SHA-256, mode, calibration data,
 * bitwidths, cache version). Each is computed once at a time ({@link SingleFlight}); concurrent runs wait for it.
 * A sensitivity table is kept on disk, in the sensitivity cache under {@code --shared-dir}, so a restarted
 * controller and the other replicas read it instead of measuring it; replicas computing the same table at the
 * same moment take turns on a lock file beside it. Analyses stay in memory only — a few of them, the most recently
 * used: one costs tens of milliseconds (BatchNorm folding and one ONNX Runtime run on a zero input), so storing
 * it would save little and keep a second copy of every model.
 */
public final class SharedAnalyses {
    /**
     * Analyses kept after their runs end: an analysis holds the folded model (about the model's size: 0.3 MB for
     * the ResNet fixture, 45 MB for ResNet-18), so 4 bound the cache at a few models' size.
     */
    static final int KEPT_ANALYSES = 4;

    private final SingleFlight<String, ModelAnalysis> analysing = new SingleFlight<>();
    private final SingleFlight<String, SensitivityTable> measuring = new SingleFlight<>();
    private final Map<String, ModelAnalysis> recent = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ModelAnalysis> eldest) {
            return size() > KEPT_ANALYSES;
        }
    };
    /** Keyed by model and calibration images; each is small once measured (two floats per activation site). */
    private final Map<String, ActivationRanges> ranges = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ActivationRanges> eldest) {
            return size() > KEPT_ANALYSES;
        }
    };
    private final AnalysisCounts counts;

    /** @param counts told what is computed and what is reused */
    public SharedAnalyses(AnalysisCounts counts) {
        this.counts = counts;
    }

    /** Shared by nobody else: for a run executed in-process ({@code optimize}) and for tests. */
    public static SharedAnalyses unshared() {
        return new SharedAnalyses(AnalysisCounts.NONE);
    }

    /** The model's analysis, computed by {@code analyze} unless another run has it or is computing it. */
    public ModelAnalysis analysis(byte[] modelBytes, Supplier<ModelAnalysis> analyze) {
        String sha = sha256(modelBytes);
        synchronized (recent) {
            ModelAnalysis known = recent.get(sha);
            if (known != null) {
                return known;
            }
        }
        ModelAnalysis analysis = uninterrupted(() -> analysing.get(sha, () -> {
            ModelAnalysis computed = analyze.get();
            counts.analysisComputed();
            synchronized (recent) {
                recent.put(sha, computed);
            }
            return computed;
        }));
        return analysis;
    }

    /**
     * The activation ranges of a model on its calibration images, shared by the runs of that model on those images:
     * measured once, by the first export that needs them ({@link ActivationRanges} waits the others).
     */
    public ActivationRanges activationRanges(byte[] modelBytes, InputBatches calibration,
                                             Supplier<ActivationRanges> create) {
        String key = sha256(modelBytes) + "-" + digest(calibration);
        synchronized (ranges) {
            return ranges.computeIfAbsent(key, k -> create.get());
        }
    }

    /**
     * The sensitivity table under {@code key}: read from {@code cached} (the shared cache folder) or measured by
     * {@code measure} (which stores it there), once for all runs and replicas asking at the same time.
     *
     * @param lockDir where replicas sharing the cache folder take turns per key
     * @throws InterruptedException when the calling run is cancelled or the service stops while it waits
     */
    public SensitivityTable sensitivity(String key, Path lockDir, Supplier<Optional<SensitivityTable>> cached,
                                        Supplier<SensitivityTable> measure) throws InterruptedException {
        return measuring.get(key, () -> {
            Optional<SensitivityTable> known = cached.get();
            if (known.isPresent()) {
                counts.sensitivityReused();
                return known.get();
            }
            try (FileChannel lock = FileChannel.open(Files.createDirectories(lockDir).resolve(key + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lock.lock()) {
                known = cached.get(); // another replica may have measured it while this one waited
                if (known.isPresent()) {
                    counts.sensitivityReused();
                    return known.get();
                }
                SensitivityTable table = measure.get();
                counts.sensitivityComputed();
                return table;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock the sensitivity cache entry " + key, e);
            }
        });
    }

    private interface Interruptible<V> {
        V get() throws InterruptedException;
    }

    /**
     * A run thread interrupted while it waits (its run cancelled, or the service stopping) keeps its interrupt and
     * leaves by an exception, as it would from the computation itself.
     */
    private static <V> V uninterrupted(Interruptible<V> work) {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SHA-256 of the calibration samples as the model reads them (after preprocessing). */
    private static String digest(InputBatches calibration) {
        MessageDigest md = sha();
        for (int from = 0; from < calibration.count(); from += 256) {
            float[] x = calibration.batch(from, Math.min(256, calibration.count() - from));
            ByteBuffer buf = ByteBuffer.allocate(x.length * 4);
            buf.asFloatBuffer().put(x);
            md.update(buf);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha().digest(bytes));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
