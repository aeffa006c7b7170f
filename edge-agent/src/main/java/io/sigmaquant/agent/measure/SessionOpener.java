package io.sigmaquant.agent.measure;

/** Opens a session for a target; ONNX Runtime in the agent, a stand-in in tests of the measuring loop. */
@FunctionalInterface
public interface SessionOpener {
    SessionOpener ONNX_RUNTIME = (t, threads) -> OrtSessions.open(t.model(), t.shape(), threads, t.scale(), t.mean(),
            t.std(), null);

    InferenceSession open(Measurer.Target target, int threads);
}
