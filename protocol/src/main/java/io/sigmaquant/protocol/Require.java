package io.sigmaquant.protocol;

import java.util.regex.Pattern;

/** Checks used by the message records' compact constructors; each failure names its field. */
public final class Require {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Require() {
    }

    public static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ProtocolException(field, "is required");
        }
        if (value.length() > 4096) {
            throw new ProtocolException(field, "is longer than 4096 characters");
        }
        return value;
    }

    public static long positive(long value, String field) {
        if (value <= 0) {
            throw new ProtocolException(field, "must be positive, got " + value);
        }
        return value;
    }

    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new ProtocolException(field, "must not be negative, got " + value);
        }
        return value;
    }

    public static double nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ProtocolException(field, "must be a finite number ≥ 0, got " + value);
        }
        return value;
    }

    public static String sha256(String value, String field) {
        if (value == null || !SHA256.matcher(value).matches()) {
            throw new ProtocolException(field, "must be 64 lower-case hex characters");
        }
        return value;
    }

    public static <T> T present(T value, String field) {
        if (value == null) {
            throw new ProtocolException(field, "is required");
        }
        return value;
    }
}
