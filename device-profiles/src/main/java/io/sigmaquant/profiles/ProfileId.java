package io.sigmaquant.profiles;

import java.util.regex.Pattern;

/**
 * The id of a board type, such as {@code raspberry-pi-4}; it names the profile's YAML file
 * ({@code raspberry-pi-4.yaml}) and the device class agents report.
 */
public record ProfileId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public ProfileId {
        if (value == null || value.length() > 64 || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("profile id must be lower-case words joined by '-' "
                    + "(at most 64 characters): " + value);
        }
    }

    public String fileName() {
        return value + ".yaml";
    }

    @Override
    public String toString() {
        return value;
    }
}
