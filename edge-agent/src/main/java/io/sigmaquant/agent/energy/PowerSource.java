package io.sigmaquant.agent.energy;

/** An instantaneous power reading in watts (a rail sensor, a smart plug, a GPU). */
public interface PowerSource {
    double watts();
}
