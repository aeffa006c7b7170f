package io.sigmaquant.controller.bench;

/**
 * The smallest packed size whose measured top-1 stays within {@code maxDrop} points of FP32: for uniform
 * models (the smallest bitwidth that does) and for the default allocator (its accuracy-floor mode, which
 * bisects the size budget and measures each allocation).
 *
 * @param uniformBits      the smallest uniform bitwidth within the drop, or null when none is
 * @param uniformBytes     its packed size, or null
 * @param sigmaquantBytes  the smallest size the default allocator found within the drop, or null
 * @param sigmaquantTop1   the measured top-1 there (NaN without one)
 */
public record EqualAccuracy(double fp32Top1, double maxDrop, Integer uniformBits, Double uniformBytes,
                            Double uniformTop1, Double sigmaquantBytes, double sigmaquantTop1) {

    /** How much smaller the default's model is than uniform's at equal accuracy (%), or NaN. */
    public double savingPercent() {
        if (uniformBytes == null || sigmaquantBytes == null) {
            return Double.NaN;
        }
        return 100 * (uniformBytes - sigmaquantBytes) / uniformBytes;
    }
}
