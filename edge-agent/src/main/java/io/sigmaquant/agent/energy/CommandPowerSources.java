package io.sigmaquant.agent.energy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Power sources read from a command's output: the Raspberry Pi 5 PMIC and NVIDIA GPUs. */
public final class CommandPowerSources {
    /** {@code   VDD_CORE_A current(7)=0.98400000A} and {@code   VDD_CORE_V volt(15)=0.87230000V}. */
    private static final Pattern PMIC_LINE =
            Pattern.compile("^\\s*(\\S+)_([AV])\\s+(?:current|volt)\\(\\d+\\)=([0-9.]+)[AV]\\s*$", Pattern.MULTILINE);
    static final List<String> PMIC_COMMAND = List.of("vcgencmd", "pmic_read_adc");
    static final List<String> NVML_COMMAND =
            List.of("nvidia-smi", "--query-gpu=power.draw", "--format=csv,noheader,nounits");

    private CommandPowerSources() {
    }

    /** Σ V·I over the PMIC rails that report both a current and a voltage. */
    public static double parsePmic(String output) {
        Map<String, Double> amps = new HashMap<>();
        Map<String, Double> volts = new HashMap<>();
        Matcher m = PMIC_LINE.matcher(output);
        while (m.find()) {
            (m.group(2).equals("A") ? amps : volts).put(m.group(1), Double.parseDouble(m.group(3)));
        }
        if (amps.isEmpty()) {
            throw new IllegalArgumentException("no PMIC rail currents in vcgencmd output");
        }
        double watts = 0;
        for (Map.Entry<String, Double> a : amps.entrySet()) {
            Double v = volts.get(a.getKey());
            if (v != null) {
                watts += a.getValue() * v;
            }
        }
        return watts;
    }

    /** Σ of power.draw over the GPUs listed (one line each, watts). */
    public static double parseNvidiaSmi(String output) {
        double watts = 0;
        int gpus = 0;
        for (String line : output.strip().split("\\R")) {
            if (!line.isBlank()) {
                watts += Double.parseDouble(line.strip());
                gpus++;
            }
        }
        if (gpus == 0) {
            throw new IllegalArgumentException("nvidia-smi listed no GPU power");
        }
        return watts;
    }

    public static PowerSource pmic(CommandRunner runner) {
        return () -> parsePmic(run(runner, PMIC_COMMAND));
    }

    public static PowerSource nvml(CommandRunner runner) {
        return () -> parseNvidiaSmi(run(runner, NVML_COMMAND));
    }

    static String run(CommandRunner runner, List<String> command) {
        try {
            return runner.run(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
