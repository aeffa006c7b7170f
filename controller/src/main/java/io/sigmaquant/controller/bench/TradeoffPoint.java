package io.sigmaquant.controller.bench;

/**
 * One size level of an accuracy-vs-size curve: the uniform model that defines the level and the two mixed
 * allocations under the same packed-size budget, each quantized and measured.
 *
 * @param gapPercent (objective of SigmaQuant − objective of exact) / objective of exact × 100
 */
public record TradeoffPoint(int uniformBits, double budgetBytes, double uniformTop1, double uniformObjective,
                            double sigmaquantBytes, double sigmaquantTop1, double sigmaquantObjective,
                            double sigmaquantMs, double exactBytes, double exactTop1, double exactObjective,
                            String exactStatus, double exactMs, double gapPercent) {
}
