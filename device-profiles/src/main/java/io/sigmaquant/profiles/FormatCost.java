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
}
