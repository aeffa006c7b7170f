package io.sigmaquant.controller.cost;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;

/**
 * The profile's analytic prior: {@link FormatCost#predict} (a roofline) per layer, in the format its
 * bitwidth runs as, with bytes = weights at the format's storage width + activations in and out.
 */
public final class PriorCostModel implements CostModel {
    private final DeviceProfile profile;
    private final SizeBasis sizeBasis;
    private final int batch;

    public PriorCostModel(DeviceProfile profile, SizeBasis sizeBasis) {
        this(profile, sizeBasis, 1);
    }

    /** @param batch images per inference: work and activations scale with it, weights are read once */
    public PriorCostModel(DeviceProfile profile, SizeBasis sizeBasis, int batch) {
        this.profile = profile;
        this.sizeBasis = sizeBasis;
        this.batch = batch;
    }

    public int batch() {
        return batch;
    }

    @Override
    public LayerCost cost(Layer l, int bits) {
        RuntimeFormat format = profile.formatOf(bits);
        FormatCost c = profile.costOf(format);
        double weightBytes = l.weightParams() * format.storageBits(bits) / 8.0 + 4.0 * l.biasParams();
        double activationBytes = batch * (l.inputElements() + l.outputElements()) * c.activationBytes();
        FormatCost.Prediction p = c.predict(batch * l.macs(), weightBytes + activationBytes, bits);
        return new LayerCost(sizeBasis.bytes(l, bits), p.seconds() * 1e3, p.joules() * 1e3);
    }

    @Override
    public String describe() {
        return "analytic prior of profile " + profile.id() + " (size basis " + sizeBasis.name().toLowerCase() + ")";
    }

    public DeviceProfile profile() {
        return profile;
    }
}
