package io.sigmaquant.agent.measure;

import java.util.function.DoubleSupplier;

/** A fake clock and sessions whose runs take a scripted time on it: measuring loops without waiting. */
final class FakeRuns implements Clock {
    private long now;

    @Override
    public long nanoTime() {
        return now;
    }

    void advanceMs(double ms) {
        now += Math.round(ms * 1e6);
    }

    /** A session whose every run takes the next value of {@code ms} on this clock. */
    InferenceSession session(DoubleSupplier ms) {
        return new InferenceSession() {
            @Override
            public void run() {
                advanceMs(ms.getAsDouble());
            }

            @Override
            public void close() {
            }
        };
    }
}
