package io.sigmaquant.agent.measure;

/** Opens a session for a target; ONNX Runtime in the agent, a stand-in in tests of the measuring loop. */
@FunctionalInterface
public interface SessionOpener {
    SessionOpener ONNX_RUNTIME = (t, threads) -> OrtSessions.open(t, threads, null);

    InferenceSession open(Measurer.Target target, int threads);
}
