package io.sigmaquant.agent.energy;

import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.FormatCost;
import io.sigmaquant.profiles.RuntimeFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the energy meter. {@code auto} tries, in order: RAPL, Jetson INA3221, Raspberry Pi 5 PMIC,
 * NVML, and falls back to the estimate. The MQTT smart plug is used only when asked for, since only the
 * user knows which plug feeds which board.
 */
public final class EnergyMeters {
    /** How often rail sensors and plugs are sampled. */
    static final long SAMPLE_PERIOD_MS = 20;

    private EnergyMeters() {
    }

    /**
     * @param root filesystem root for sysfs (normally "/"; a recorded tree in tests)
     * @param plug where an MQTT plug's readings arrive (used for mqtt-plug)
     */
    public static EnergyMeter select(EnergySpec spec, Path root, CommandRunner commands, DeviceProfile profile,
                                     MqttPlugPower plug) {
        String id = spec.meter().id();
        return switch (spec.meter()) {
            case AUTO -> detect(root, commands).orElseGet(() -> estimate(profile));
            case RAPL -> rapl(root).orElseThrow(() -> unavailable(id, "no readable "
                    + "/sys/class/powercap/intel-rapl:*/energy_uj"));
            case JETSON_INA3221 -> jetson(root).orElseThrow(() -> unavailable(id, "no INA3221 under "
                    + "/sys/bus/i2c/drivers/ina3221 or ina3221x"));
            case RPI5_PMIC -> command(id, CommandPowerSources.PMIC_COMMAND, commands,
                    CommandPowerSources.pmic(commands)).orElseThrow(() -> unavailable(id, "vcgencmd pmic_read_adc failed"));
            case NVML -> command(id, CommandPowerSources.NVML_COMMAND, commands,
                    CommandPowerSources.nvml(commands)).orElseThrow(() -> unavailable(id, "nvidia-smi failed"));
            case MQTT_PLUG -> new SampledEnergyMeter(id, plug, SAMPLE_PERIOD_MS);
            case ESTIMATE -> estimate(profile);
        };
    }

    static Optional<EnergyMeter> detect(Path root, CommandRunner commands) {
        return rapl(root)
                .or(() -> jetson(root))
                .or(() -> command("rpi5-pmic", CommandPowerSources.PMIC_COMMAND, commands,
                        CommandPowerSources.pmic(commands)))
                .or(() -> command("nvml", CommandPowerSources.NVML_COMMAND, commands,
                        CommandPowerSources.nvml(commands)));
    }

    private static Optional<EnergyMeter> rapl(Path root) {
        List<Path> zones = RaplEnergyMeter.packageZones(root.resolve("sys/class/powercap"));
        return zones.isEmpty() ? Optional.empty() : Optional.of(new RaplEnergyMeter(zones));
    }

    private static Optional<EnergyMeter> jetson(Path root) {
        return JetsonIna3221.find(root).map(s -> new SampledEnergyMeter("jetson-ina3221", s, SAMPLE_PERIOD_MS));
    }

    /** A command-backed meter, if the command answers with a parsable reading now. */
    private static Optional<EnergyMeter> command(String id, List<String> command, CommandRunner commands,
                                                 PowerSource source) {
        try {
            commands.run(command);
            source.watts();
            return Optional.of(new SampledEnergyMeter(id, source, SAMPLE_PERIOD_MS * 10));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** CPU time × (static power + fp32 dynamic power at full throughput), per core of the profile. */
    static EnergyMeter estimate(DeviceProfile profile) {
        FormatCost fp32 = profile.cost().getOrDefault(RuntimeFormat.FP32, profile.cost().values().iterator().next());
        double busyWatts = fp32.staticPowerW() + fp32.energyPerMacPj() * 1e-12 * fp32.macsPerSecond();
        return new EstimatedEnergyMeter(busyWatts / profile.hardware().cores());
    }

    private static IllegalArgumentException unavailable(String meter, String why) {
        return new IllegalArgumentException("energy meter " + meter + " is not available here: " + why);
    }
}
