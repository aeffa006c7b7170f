package io.sigmaquant.profiles;

/**
 * The analytic prior cost of one runtime format on one board.
 *
 * @param macsPerSecond   sustained MAC throughput (for bit-serial: at 8-bit weights)
 * @param bytesPerSecond  sustained memory bandwidth one layer sees
 * @param energyPerMacPj  dynamic energy per MAC, picojoules (for bit-serial: at 8-bit weights)
 * @param energyPerBytePj dynamic energy per byte moved, picojoules
 * @param staticPowerW    power above idle spent while running
 * @param layerOverheadUs fixed time to dispatch one layer
 * @param activationBytes bytes per activation element
 * @param scalesWithBits  time and energy per MAC proportional to weight bits
 */
public record FormatCost(double macsPerSecond, double bytesPerSecond, double energyPerMacPj, double energyPerBytePj,
                         double staticPowerW, double layerOverheadUs, double activationBytes, boolean scalesWithBits) {

    public FormatCost {
        if (activationBytes == 0) {
            activationBytes = 4; // schema default: float activations
        }
    }

    /**
     * The analytic prior of one layer in this format (a roofline):
     * {@code t = overhead + max(MACs·f / throughput, bytes / bandwidth)} and
     * {@code E = MACs·f·e_mac + bytes·e_byte + P_static·t}, where f = bits/8 on bit-serial formats, else 1.
     *
     * @param bytes weights at the format's storage width plus activations in and out
     */
    public Prediction predict(long macs, double bytes, int bits) {
        double bitFactor = scalesWithBits ? bits / 8.0 : 1.0;
        double seconds = layerOverheadUs * 1e-6
                + Math.max(macs * bitFactor / macsPerSecond, bytes / bytesPerSecond);
        double joules = macs * energyPerMacPj * bitFactor * 1e-12 + bytes * energyPerBytePj * 1e-12
                + staticPowerW * seconds;
        return new Prediction(seconds, joules);
    }

    /** Predicted time and energy of one layer. */
    public record Prediction(double seconds, double joules) {
    }
}
