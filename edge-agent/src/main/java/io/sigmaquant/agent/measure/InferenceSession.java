package io.sigmaquant.agent.measure;

/** One loaded model that can run inferences; the ONNX Runtime session lives behind it. */
public interface InferenceSession extends AutoCloseable {
    /** Runs one inference on the prepared input. */
    void run();

    @Override
    void close();
}
