package io.sigmaquant.controller.run;

import io.sigmaquant.controller.fleet.Dispatcher;
import java.util.concurrent.Semaphore;

/**
 * How many runs compute at once (analysis, activation ranges, sensitivity, allocation, export), however many are
 * active: a run holds a slot while it computes and gives it back while it waits for an agent's measurement. With 20
 * active runs on 2 cores, 20 runnable run threads would leave a request handler 1/21 of the CPU; with one slot per
 * core it competes with 2 of them, so a submission still answers in milliseconds. Runs waiting for a slot are not
 * runnable and cost nothing.
 */
public final class ComputeSlots {
    private final Semaphore slots;
    private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

    public ComputeSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("compute slots must be at least 1: " + slots);
        }
        this.slots = new Semaphore(slots, true);
    }

    /** What a run's thread does, holding a slot except where it waits (see {@link #releasingWhileWaiting}). */
    public interface Work {
        void run() throws InterruptedException;
    }

    /** Runs the work on this thread once a slot is free; the slot is free again when it ends. */
    public void run(Work work) throws InterruptedException {
        slots.acquire();
        holding.set(true);
        try {
            work.run();
        } finally {
            if (holding.get()) {
                slots.release();
            }
            holding.remove();
        }
    }

    /**
     * The dispatcher as a run sees it: while it waits for a measurement, the run's slot is free for another run.
     * Interrupted while it takes the slot back, the run goes on without one to its end (it is being cancelled).
     */
    public Dispatcher releasingWhileWaiting(Dispatcher dispatcher) {
        return (deviceClass, job, policy) -> {
            if (!holding.get()) {
                return dispatcher.measure(deviceClass, job, policy);
            }
            holding.set(false);
            slots.release();
            try {
                return dispatcher.measure(deviceClass, job, policy);
            } finally {
                try {
                    slots.acquire();
                    holding.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** Slots free now (for tests and metrics). */
    public int available() {
        return slots.availablePermits();
    }
}
