package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 40000}, {@code 40000B}, {@code 39KiB}, {@code 1.5MiB}, {@code 40kB}. */
final class ByteSize {
    private static final Pattern FORMAT = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

    private ByteSize() {
    }

    static double parse(String text, String flag) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new UserInputException(flag + " '" + text + "' is not a size (examples: 40000, 39KiB, 1.5MiB)");
        }
        double value = Double.parseDouble(m.group(1));
        double unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kb" -> 1e3;
            case "kib", "k" -> 1024;
            case "mb" -> 1e6;
            case "mib", "m" -> 1024 * 1024;
            case "gb" -> 1e9;
            case "gib", "g" -> 1024.0 * 1024 * 1024;
            default -> throw new UserInputException(flag + " '" + text + "': unknown unit '" + m.group(2)
                    + "' (use B, KB, KiB, MB, MiB, GB or GiB)");
        };
        if (value <= 0) {
            throw new UserInputException(flag + " must be positive: " + text);
        }
        return value * unit;
    }
}
