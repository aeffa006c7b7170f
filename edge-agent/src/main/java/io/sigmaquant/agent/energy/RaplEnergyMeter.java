package io.sigmaquant.agent.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Intel/AMD RAPL through powercap: the top-level package zones {@code intel-rapl:N/energy_uj} (sub-zones
 * {@code intel-rapl:N:M} are parts of a package and not added again). Counters wrap at
 * {@code max_energy_range_uj}.
 */
public final class RaplEnergyMeter implements EnergyMeter {
    private final List<Path> zones;

    RaplEnergyMeter(List<Path> zones) {
        this.zones = List.copyOf(zones);
    }

    /** The package zones under {@code powercapRoot} (normally /sys/class/powercap), if readable. */
    public static List<Path> packageZones(Path powercapRoot) {
        if (!Files.isDirectory(powercapRoot)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(powercapRoot)) {
            List<Path> zones = new ArrayList<>();
            entries.filter(p -> p.getFileName().toString().matches("intel-rapl:\\d+"))
                    .filter(p -> Files.isReadable(p.resolve("energy_uj")))
                    .sorted().forEach(zones::add);
            return zones;
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public String id() {
        return "rapl";
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public Window start() {
        double[] start = read();
        return () -> {
            double[] end = read();
            double microjoules = 0;
            for (int i = 0; i < zones.size(); i++) {
                double delta = end[i] - start[i];
                if (delta < 0) {
                    delta += SysfsFiles.number(zones.get(i).resolve("max_energy_range_uj")); // the counter wrapped
                }
                microjoules += delta;
            }
            return microjoules / 1e6;
        };
    }

    private double[] read() {
        double[] v = new double[zones.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = SysfsFiles.number(zones.get(i).resolve("energy_uj"));
        }
        return v;
    }
}
