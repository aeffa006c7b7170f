package io.sigmaquant.agent.energy;

/**
 * Measures the energy spent over a window of time. Every meter names itself in results; the estimate
 * says it is one.
 */
public interface EnergyMeter {
    /** rapl, jetson-ina3221, rpi5-pmic, nvml, mqtt-plug or estimate. */
    String id();

    /** True when the value is computed, not read from a sensor. */
    boolean estimated();

    /** Starts a measurement window. */
    Window start();

    /** An open window; {@code stop} returns the energy spent in it. */
    interface Window {
        double stopJoules();
    }
}
