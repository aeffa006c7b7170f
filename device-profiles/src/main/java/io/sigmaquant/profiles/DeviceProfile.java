package io.sigmaquant.profiles;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** One board type, as loaded from its YAML file (see {@code device-profile.schema.json}). */
public record DeviceProfile(String id, String name, String description, Hardware hardware,
                            List<RuntimeFormat> formats, Bits bits, Measurement measurement, Energy energy,
                            Map<RuntimeFormat, FormatCost> cost, Gpu gpu) {

    /** CPU/accelerator facts. */
    public record Hardware(String processor, int cores, double clockMhz, long memoryMb, Double memoryBandwidthGBs,
                           List<String> isa, String accelerator) {
    }

    /** Allowed bitwidths and the runtime format each runs as. */
    public record Bits(List<Integer> allowed, Map<Integer, RuntimeFormat> formatOf) {
    }

    /** Default measurement settings for agents of this class. */
    public record Measurement(int threads, int warmupRuns, int minRuns, int minDurationMs) {
    }

    /** The energy meter to expect on the board. */
    public record Energy(String meter, String note) {
    }

    /**
     * The board's GPU as ONNX Runtime reaches it: through which provider, in which precisions. Optional: boards
     * without one (or whose agents measure on the CPU only) leave it out, and then {@link #gpu()} is null.
     */
    public record Gpu(ExecutionProvider provider, List<GpuFormat> formats, String note) {
        public Gpu {
            formats = formats == null ? List.of() : List.copyOf(formats);
        }
    }

    /** Allowed bitwidths in ascending order. */
    public SortedSet<Integer> allowedBits() {
        return new TreeSet<>(bits.allowed());
    }

    public RuntimeFormat formatOf(int bitwidth) {
        RuntimeFormat f = bits.formatOf().get(bitwidth);
        if (f == null) {
            throw new IllegalArgumentException("profile " + id + " maps no format for " + bitwidth + " bits");
        }
        return f;
    }

    public FormatCost costOf(RuntimeFormat format) {
        FormatCost c = cost.get(format);
        if (c == null) {
            throw new IllegalArgumentException("profile " + id + " has no cost for format " + format.id());
        }
        return c;
    }
}
