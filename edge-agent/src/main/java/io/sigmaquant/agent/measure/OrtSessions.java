package io.sigmaquant.agent.measure;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/** Opens ONNX Runtime sessions for measurement, with an input of the job's shape. */
public final class OrtSessions {
    private OrtSessions() {
    }

    /** What a model file says about its input: name, shape with batch 1, and preprocessing metadata. */
    public record ModelInput(String name, long[] shape, double scale, double mean, double std) {
        /** The same input with another batch size (models with a dynamic batch axis). */
        public ModelInput withBatch(long batch) {
            long[] s = shape.clone();
            s[0] = batch;
            return new ModelInput(name, s, scale, mean, std);
        }
    }

    /** Reads the input of a model; symbolic dimensions other than the batch must be given by the caller. */
    public static ModelInput describe(Path model) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toString(), opts)) {
            String name = session.getInputNames().iterator().next();
            long[] shape = ((TensorInfo) session.getInputInfo().get(name).getInfo()).getShape().clone();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    if (i > 0) {
                        throw new IllegalArgumentException("input '" + name + "' has a symbolic dimension at axis " + i
                                + "; give the shape with --shape");
                    }
                    shape[i] = 1;
                }
            }
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            return new ModelInput(name, shape, number(meta, "sigmaquant.preprocess.scale", 1 / 255.0),
                    number(meta, "sigmaquant.preprocess.mean", 0), number(meta, "sigmaquant.preprocess.std", 1));
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime refused the model: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static double number(Map<String, String> meta, String key, double fallback) {
        try {
            return meta.containsKey(key) ? Double.parseDouble(meta.get(key)) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /**
     * @param profilePrefix non-null to enable ONNX Runtime's profiler, writing its trace there
     * @param provider      where the session runs ({@link OrtProviders#choose} picked it at start)
     */
    public static Session open(Measurer.Target t, int threads, String profilePrefix, ExecutionProvider provider) {
        long[] shape = t.shape();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = null;
        OrtSession session = null;
        try {
            opts = new OrtSession.SessionOptions();
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            opts.setInterOpNumThreads(1);
            // Spinning threads made 2-thread medians much worse on 2 shared cores (NOTES.md).
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (profilePrefix != null) {
                opts.enableProfiling(profilePrefix);
            }
            OrtProviders.append(opts, provider);
            session = env.createSession(t.model().toString(), opts);
            String inputName = inputName(session, t.inputName());
            checkShape(session.getInputInfo().get(inputName), shape);
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            // preprocessing applied to random 8-bit pixels, so integer kernels see realistic ranges
            float[] x = new float[n];
            Random r = new Random(42);
            for (int i = 0; i < n; i++) {
                x[i] = (float) ((r.nextInt(256) * t.scale() - t.mean()) / t.std());
            }
            OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
            return new Session(session, opts, inputName, input);
        } catch (InputMismatchException e) {
            closeQuietly(session, opts);
            throw e;
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, opts);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ModelLoadException("ONNX Runtime refused the model: " + msg, e);
        }
    }

    /** The job's input name must be one of the model's inputs; none given = the first. */
    private static String inputName(OrtSession session, String wanted) {
        if (wanted == null) {
            return session.getInputNames().iterator().next();
        }
        if (!session.getInputNames().contains(wanted)) {
            String shown = wanted.length() > 100 ? wanted.substring(0, 100) + "…" : wanted;
            throw new InputMismatchException("input.name", "the model has no input '" + shown + "'; its inputs: "
                    + String.join(", ", session.getInputNames()));
        }
        return wanted;
    }

    private static void checkShape(NodeInfo info, long[] shape) {
        if (info.getInfo() instanceof TensorInfo t) {
            long[] declared = t.getShape();
            boolean fits = declared.length == shape.length;
            for (int i = 0; fits && i < declared.length; i++) {
                fits = declared[i] < 0 || declared[i] == shape[i];
            }
            if (!fits) {
                throw new InputMismatchException("input.shape", Arrays.toString(shape) + " does not fit the model's "
                        + Arrays.toString(declared));
            }
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions opts) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // already failing; the original error is reported
        }
        if (opts != null) {
            opts.close();
        }
    }

    /** An open session with its input. */
    public static final class Session implements InferenceSession {
        private final OrtSession session;
        private final OrtSession.SessionOptions options;
        private final String inputName;
        private final OnnxTensor input;

        Session(OrtSession session, OrtSession.SessionOptions options, String inputName, OnnxTensor input) {
            this.session = session;
            this.options = options;
            this.inputName = inputName;
            this.input = input;
        }

        @Override
        public void run() {
            try (OrtSession.Result ignored = session.run(Map.of(inputName, input))) {
                // outputs are not needed: only the time counts
            } catch (OrtException e) {
                throw new ModelLoadException("inference failed: " + e.getMessage(), e);
            }
        }

        /** Ends profiling and returns the trace file. */
        public Path endProfiling() {
            try {
                return Path.of(session.endProfiling());
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not write its profile", e);
            }
        }

        @Override
        public void close() {
            input.close();
            closeQuietly(session, options);
        }
    }
}
