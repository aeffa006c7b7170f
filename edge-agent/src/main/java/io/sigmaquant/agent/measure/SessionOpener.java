package io.sigmaquant.agent.measure;

import io.sigmaquant.profiles.ExecutionProvider;

/** Opens a session for a target; ONNX Runtime in the agent, a stand-in in tests of the measuring loop. */
@FunctionalInterface
public interface SessionOpener {
    SessionOpener ONNX_RUNTIME = onnxRuntime(ExecutionProvider.CPU);

    /** ONNX Runtime sessions on {@code provider}. */
    static SessionOpener onnxRuntime(ExecutionProvider provider) {
        return (t, threads) -> OrtSessions.open(t, threads, null, provider);
    }

    InferenceSession open(Measurer.Target target, int threads);
}
