package io.sigmaquant.agent.measure;

/** Monotonic time, injected so measurement statistics can be tested without waiting. */
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
