package io.sigmaquant.agent.energy;

import java.lang.management.ManagementFactory;

/**
 * The fallback when no sensor exists: this process's CPU time × the profile's power per busy core. Always
 * flagged as estimated in results.
 */
public final class EstimatedEnergyMeter implements EnergyMeter {
    private final double wattsPerBusyCore;

    public EstimatedEnergyMeter(double wattsPerBusyCore) {
        this.wattsPerBusyCore = wattsPerBusyCore;
    }

    @Override
    public String id() {
        return "estimate";
    }

    @Override
    public boolean estimated() {
        return true;
    }

    @Override
    public Window start() {
        long start = cpuNanos();
        return () -> (cpuNanos() - start) / 1e9 * wattsPerBusyCore;
    }

    private static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
