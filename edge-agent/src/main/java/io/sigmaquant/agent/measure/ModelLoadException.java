package io.sigmaquant.agent.measure;

/** ONNX Runtime refused a model (not ONNX, unsupported op, wrong input shape). */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
