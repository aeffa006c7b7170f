package io.sigmaquant.agent.measure;

import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads ONNX Runtime's native libraries, from the jar or from a folder of one's own build
 * ({@code --ort-native-path}): the official Java jar carries CPU-only libraries, and a Jetson's GPU needs an
 * ONNX Runtime built with CUDA/TensorRT for it.
 */
public final class OrtNatives {
    /** ONNX Runtime's system property: load its libraries from this folder instead of the jar. */
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";
    /** What ONNX Runtime's Java loader requires in that folder; provider libraries are looked up beside them. */
    static final List<String> REQUIRED = List.of("onnxruntime", "onnxruntime4j_jni");

    private OrtNatives() {
    }

    /**
     * Checks that {@code dir} can be ONNX Runtime's native folder.
     *
     * @return the folder as an absolute, normalised path
     * @throws IllegalArgumentException in one line naming the folder and what is missing
     */
    public static Path check(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--ort-native-path " + dir + ": no such directory");
        }
        for (String lib : REQUIRED) {
            String file = System.mapLibraryName(lib);
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException("--ort-native-path " + dir + " holds no " + file
                        + " (an ONNX Runtime build with --build_java puts it in its build folder)");
            }
        }
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Loads ONNX Runtime, from {@code dir} when given. The property must be set before ONNX Runtime's first use
     * in this JVM; worker JVMs are passed it on their command line ({@code WorkerCommand}).
     *
     * @param dir a folder passed by {@link #check}, or null for the libraries in the jar
     * @throws IllegalArgumentException in one line when the libraries do not load (wrong architecture, a
     *                                  broken build, a version that does not match the jar)
     */
    public static void load(Path dir) {
        if (dir != null) {
            System.setProperty(NATIVE_PATH_PROPERTY, check(dir).toString());
        }
        try {
            OrtEnvironment.getEnvironment();
        } catch (LinkageError | RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException("ONNX Runtime did not load" + (dir != null ? " from " + dir : "")
                    + ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.toString()), e);
        }
    }
}
