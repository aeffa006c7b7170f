package io.sigmaquant.controller.cost;

import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;

/**
 * The profile's analytic prior: a roofline per layer in the format its bitwidth runs as.
 * <pre>
 *   t = overhead + max(MACs / throughput, bytes / bandwidth)
 *   E = MACs·e_mac + bytes·e_byte + P_static·t
 * </pre>
 * where bytes = weights at the format's storage width + activations in and out. On bit-serial formats
 * throughput and energy per MAC scale with weight bits (quoted at 8 bits).
 */
public final class PriorCostModel implements CostModel {
    private final DeviceProfile profile;
    private final SizeBasis sizeBasis;

    public PriorCostModel(DeviceProfile profile, SizeBasis sizeBasis) {
        this.profile = profile;
        this.sizeBasis = sizeBasis;
    }

    @Override
    public LayerCost cost(Layer l, int bits) {
        RuntimeFormat format = profile.formatOf(bits);
        FormatCost c = profile.costOf(format);
        double bitFactor = c.scalesWithBits() ? bits / 8.0 : 1.0;
        double weightBytes = l.weightParams() * format.storageBits(bits) / 8.0 + 4.0 * l.biasParams();
        double activationBytes = (l.inputElements() + l.outputElements()) * c.activationBytes();
        double bytes = weightBytes + activationBytes;
        double computeS = l.macs() * bitFactor / c.macsPerSecond();
        double memoryS = bytes / c.bytesPerSecond();
        double seconds = c.layerOverheadUs() * 1e-6 + Math.max(computeS, memoryS);
        double joules = l.macs() * c.energyPerMacPj() * bitFactor * 1e-12 + bytes * c.energyPerBytePj() * 1e-12
                + c.staticPowerW() * seconds;
        return new LayerCost(sizeBasis.bytes(l, bits), seconds * 1e3, joules * 1e3);
    }

    @Override
    public String describe() {
        return "analytic prior of profile " + profile.id() + " (size basis " + sizeBasis.name().toLowerCase() + ")";
    }

    public DeviceProfile profile() {
        return profile;
    }
}
