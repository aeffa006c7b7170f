package io.sigmaquant.controller.planning;

/**
 * The measured accuracy of an allocation against the FP32 model.
 *
 * @param drop points of top-1 lost (FP32 − quantized)
 */
public record AccuracyGate(double fp32Top1, double top1, double drop, Double maxDrop, int samples) {
    public static AccuracyGate measure(AccuracyCheck check, java.util.Map<String, Integer> bits, Double maxDrop) {
        double fp32 = check.fp32Top1();
        double top1 = check.top1(bits);
        return new AccuracyGate(fp32, top1, fp32 - top1, maxDrop, check.samples());
    }

    public boolean passed() {
        return maxDrop == null || drop <= maxDrop + 1e-9;
    }
}
