package io.sigmaquant.controller.bench;

/**
 * One size level of an accuracy-vs-size curve: the uniform model that defines the level and the allocations
 * of the other methods under the same packed-size budget, each quantized and measured.
 */
public record TradeoffPoint(int uniformBits, double budgetBytes, Measured uniform, Measured paper, Measured sigmaquant,
                            Measured exact) {

    /**
     * One method's allocation at this level.
     *
     * @param bytes     its packed size
     * @param top1      its measured top-1 (%)
     * @param objective its Σ D
     * @param ms        allocation time (sensitivity excluded)
     * @param status    the allocator's status (OPTIMAL where proven)
     */
    public record Measured(double bytes, double top1, double objective, double ms, String status) {
    }

    /** (Σ D of a method − Σ D of exact) / Σ D of exact × 100; 0 when both are 0. */
    public double gapPercent(Measured m) {
        if (exact.objective() <= 0) {
            return m.objective() <= 1e-12 ? 0 : Double.POSITIVE_INFINITY;
        }
        return 100 * (m.objective() - exact.objective()) / exact.objective();
    }
}
