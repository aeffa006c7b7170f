package io.sigmaquant.agent.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Jetson INA3221 rail monitors. JetPack 5+ exposes them through hwmon
 * ({@code /sys/bus/i2c/drivers/ina3221/*}{@code /hwmon/hwmon*}: {@code in<N>_label}, {@code in<N>_input} in mV,
 * {@code curr<N>_input} in mA); JetPack 4 (Jetson Nano) through iio
 * ({@code /sys/bus/i2c/drivers/ina3221x/*}{@code /iio:device*}: {@code rail_name_<N>}, {@code in_power<N>_input}
 * in mW). Board power is the input rail (VDD_IN, POM_5V_IN) when one is labelled, else the sum of rails.
 */
public final class JetsonIna3221 {
    private JetsonIna3221() {
    }

    /** A power source for the sensors under {@code root} (normally "/"), if there are any. */
    public static Optional<PowerSource> find(Path root) {
        for (Path hwmon : children(root.resolve("sys/bus/i2c/drivers/ina3221"), "hwmon")) {
            if (Files.exists(hwmon.resolve("name")) && SysfsFiles.text(hwmon.resolve("name")).equals("ina3221")) {
                return Optional.of(hwmonSource(hwmon));
            }
        }
        for (Path iio : children(root.resolve("sys/bus/i2c/drivers/ina3221x"), "iio:device")) {
            return Optional.of(iioSource(iio));
        }
        return Optional.empty();
    }

    private static PowerSource hwmonSource(Path dir) {
        List<Integer> channels = channels(dir, "in", "_label");
        Optional<Integer> input = channels.stream()
                .filter(c -> SysfsFiles.text(dir.resolve("in" + c + "_label")).equals("VDD_IN")).findFirst();
        List<Integer> used = input.map(List::of).orElse(channels);
        return () -> {
            double watts = 0;
            for (int c : used) {
                double mv = SysfsFiles.number(dir.resolve("in" + c + "_input"));
                double ma = SysfsFiles.number(dir.resolve("curr" + c + "_input"));
                watts += mv * ma / 1e6;
            }
            return watts;
        };
    }

    private static PowerSource iioSource(Path dir) {
        List<Integer> channels = channels(dir, "rail_name_", "");
        Optional<Integer> input = channels.stream()
                .filter(c -> SysfsFiles.text(dir.resolve("rail_name_" + c)).equals("POM_5V_IN")).findFirst();
        List<Integer> used = input.map(List::of).orElse(channels);
        return () -> {
            double watts = 0;
            for (int c : used) {
                watts += SysfsFiles.number(dir.resolve("in_power" + c + "_input")) / 1e3;
            }
            return watts;
        };
    }

    /** Channel numbers N of files named prefix + N + suffix. */
    private static List<Integer> channels(Path dir, String prefix, String suffix) {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.endsWith(suffix))
                    .map(n -> n.substring(prefix.length(), n.length() - suffix.length()))
                    .filter(n -> n.matches("\\d+"))
                    .map(Integer::parseInt).sorted().forEach(found::add);
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    /** Directories named {@code prefix*} one or two levels below {@code driverDir}. */
    private static List<Path> children(Path driverDir, String prefix) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(driverDir)) {
            return found;
        }
        try (Stream<Path> walk = Files.walk(driverDir, 3)) {
            walk.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .filter(p -> !p.getFileName().toString().equals(prefix)).sorted().forEach(found::add);
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }
}
