package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a job's workload back as the bit configuration it measures (for results that arrive late). */
public final class Workloads {
    private Workloads() {
    }

    public static Map<String, Integer> bits(MeasurementJob job) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        job.workload().forEach(w -> bits.put(w.name(), w.bits()));
        return bits;
    }
}
