package io.sigmaquant.agent.cli;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.profiles.ExecutionProvider;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** ONNX Runtime's flags of {@code run} and {@code bench}: whose libraries to load, and where models run. */
final class OrtFlags {
    @Option(names = "--ort-native-path", paramLabel = "DIR",
            description = "load ONNX Runtime's native libraries (libonnxruntime.so, libonnxruntime4j_jni.so and any "
                    + "provider libraries) from DIR, an ONNX Runtime build of the jar's version, instead of the jar's "
                    + "CPU-only ones")
    Path ortNativePath;

    // a String, not an enum: a bad value is then a one-line error (exit 2) like every other bad input
    @Option(names = "--execution-provider", paramLabel = "cpu|cuda|tensorrt",
            description = "where ONNX Runtime runs the models; without the provider in the loaded ONNX Runtime the "
                    + "agent measures on the CPU and warns (default: " + AgentOptions.DEFAULT_EXECUTION_PROVIDER_ID + ")")
    String executionProvider;

    /** The provider asked for, null when not given. */
    ExecutionProvider provider() {
        return executionProvider == null ? null : ExecutionProvider.of(executionProvider);
    }
}
