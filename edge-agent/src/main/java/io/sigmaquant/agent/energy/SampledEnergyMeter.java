package io.sigmaquant.agent.energy;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Integrates a {@link PowerSource} over a window by sampling it on a background thread (trapezoid rule).
 * A window shorter than one period still gets two samples: at start and at stop.
 */
public final class SampledEnergyMeter implements EnergyMeter {
    private final String id;
    private final PowerSource source;
    private final long periodMs;

    public SampledEnergyMeter(String id, PowerSource source, long periodMs) {
        this.id = id;
        this.source = source;
        this.periodMs = periodMs;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public Window start() {
        Integrator integrator = new Integrator();
        integrator.sample();
        Thread t = new Thread(() -> {
            while (!integrator.stopped.get()) {
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
                integrator.sample();
            }
        }, "energy-" + id);
        t.setDaemon(true);
        t.start();
        return () -> {
            integrator.stopped.set(true);
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            integrator.sample();
            return integrator.joules;
        };
    }

    private final class Integrator {
        final AtomicBoolean stopped = new AtomicBoolean();
        long lastNanos;
        double lastWatts = Double.NaN;
        double joules;

        synchronized void sample() {
            long now = System.nanoTime();
            double w = source.watts();
            if (!Double.isNaN(lastWatts)) {
                joules += (w + lastWatts) / 2 * (now - lastNanos) / 1e9;
            }
            lastNanos = now;
            lastWatts = w;
        }
    }
}
