package io.sigmaquant.agent.measure;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.sigmaquant.profiles.ExecutionProvider;
import java.util.List;

/**
 * Execution providers in ONNX Runtime's terms: which ones the loaded library offers, adding one to a session, and
 * choosing one at start with a fallback to the CPU. The official ONNX Runtime Java jar has the CPU provider only;
 * CUDA and TensorRT come from a build of ONNX Runtime loaded with {@code --ort-native-path}.
 */
public final class OrtProviders {
    /** The GPU device ONNX Runtime uses: boards have one. */
    static final int DEVICE_ID = 0;
    private static final String HOW_TO = "build ONNX Runtime with %s and pass --ort-native-path DIR "
            + "(README: Deploy an agent to a Jetson)";

    private OrtProviders() {
    }

    /** ONNX Runtime's name of a provider, as in {@link #available()}. */
    public static String ortName(ExecutionProvider p) {
        return ort(p).name();
    }

    private static OrtProvider ort(ExecutionProvider p) {
        return switch (p) {
            case CPU -> OrtProvider.CPU;
            case CUDA -> OrtProvider.CUDA;
            case TENSORRT -> OrtProvider.TENSOR_RT;
        };
    }

    /** What the loaded ONNX Runtime was built with, by ONNX Runtime's names. */
    public static List<String> available() {
        return OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::name).sorted().toList();
    }

    /**
     * Adds the provider to a session's options; the CPU provider is always there. TensorRT is followed by CUDA,
     * as ONNX Runtime's TensorRT guide recommends, so nodes TensorRT cannot take run on the GPU too.
     *
     * @throws OrtException when the provider's library cannot be found or loaded
     */
    public static void append(OrtSession.SessionOptions opts, ExecutionProvider p) throws OrtException {
        switch (p) {
            case CPU -> {
            }
            case CUDA -> opts.addCUDA(DEVICE_ID);
            case TENSORRT -> {
                opts.addTensorrt(DEVICE_ID);
                opts.addCUDA(DEVICE_ID);
            }
        }
    }

    /**
     * The provider to measure with: {@code requested} when the loaded ONNX Runtime offers it and its library
     * loads into a session's options, else the CPU with a one-line warning naming the provider and the remedy.
     */
    public static ProviderChoice choose(ExecutionProvider requested) {
        List<String> available = available();
        if (requested == ExecutionProvider.CPU) {
            return new ProviderChoice(requested, requested, available, null);
        }
        String remedy = String.format(HOW_TO, label(requested));
        if (!available.contains(ortName(requested))) {
            return fallback(requested, available, label(requested) + " is not in this ONNX Runtime (it offers "
                    + String.join(", ", available) + ")", remedy);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            append(opts, requested);
            return new ProviderChoice(requested, requested, available, null);
        } catch (OrtException e) {
            return fallback(requested, available, label(requested) + " did not load: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), remedy);
        }
    }

    private static ProviderChoice fallback(ExecutionProvider requested, List<String> available, String why,
                                           String remedy) {
        return new ProviderChoice(requested, ExecutionProvider.CPU, available, "execution provider " + requested.id()
                + ": " + why + "; measuring on the CPU instead. To use it, " + remedy);
    }

    private static String label(ExecutionProvider p) {
        return switch (p) {
            case CPU -> "the CPU provider";
            case CUDA -> "CUDA";
            case TENSORRT -> "TensorRT";
        };
    }
}
