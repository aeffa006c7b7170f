package io.sigmaquant.agent.system;

import io.sigmaquant.agent.energy.CommandRunner;
import io.sigmaquant.protocol.message.JobResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU frequency (cpufreq {@code scaling_cur_freq}, kHz), the hottest thermal zone ({@code temp}, m°C) and,
 * on Raspberry Pis, throttling ({@code vcgencmd get_throttled}); absent values stay null.
 */
public final class SystemProbe {
    private final Path root;
    private final CommandRunner commands;

    public SystemProbe(Path root, CommandRunner commands) {
        this.root = root;
        this.commands = commands;
    }

    public JobResult.SystemSample sample() {
        return new JobResult.SystemSample(frequencies(), temperature(), throttled());
    }

    List<Double> frequencies() {
        List<Double> mhz = new ArrayList<>();
        Path cpus = root.resolve("sys/devices/system/cpu");
        if (!Files.isDirectory(cpus)) {
            return mhz;
        }
        try (Stream<Path> dirs = Files.list(cpus)) {
            dirs.filter(p -> p.getFileName().toString().matches("cpu\\d+"))
                    .sorted((a, b) -> Integer.compare(index(a), index(b)))
                    .map(p -> p.resolve("cpufreq/scaling_cur_freq"))
                    .filter(Files::isReadable)
                    .forEach(f -> read(f).ifPresent(khz -> mhz.add(khz / 1000)));
        } catch (IOException e) {
            return mhz;
        }
        return mhz;
    }

    Double temperature() {
        Path zones = root.resolve("sys/class/thermal");
        if (!Files.isDirectory(zones)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(zones)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("thermal_zone"))
                    .map(p -> read(p.resolve("temp")))
                    .flatMap(java.util.Optional::stream)
                    .map(milli -> milli / 1000).max(Double::compare).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code throttled=0x50005}: any bit set means under-voltage or throttling now or since boot. */
    Boolean throttled() {
        try {
            String out = commands.run(List.of("vcgencmd", "get_throttled")).strip();
            if (!out.startsWith("throttled=0x")) {
                return null;
            }
            return Long.parseLong(out.substring("throttled=0x".length()), 16) != 0;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int index(Path cpuDir) {
        return Integer.parseInt(cpuDir.getFileName().toString().substring(3));
    }

    private static java.util.Optional<Double> read(Path f) {
        try {
            return java.util.Optional.of(Double.parseDouble(Files.readString(f).strip()));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Peak resident memory of this process (VmHWM of /proc/self/status), in bytes, or 0 when unknown. */
    public long peakMemoryBytes() {
        Path status = root.resolve("proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
