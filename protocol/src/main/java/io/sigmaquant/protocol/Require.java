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

    /** A fraction in [0, 1). */
    public static double fraction(double value, String field) {
        if (!(value >= 0 && value < 1)) {
            throw new ProtocolException(field, "must be ≥ 0 and < 1, got " + value);
        }
        return value;
    }

    /** A finite number > 0. */
    public static double positive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ProtocolException(field, "must be a finite number > 0, got " + value);
        }
        return value;
    }

    /**
     * An optional interval around an estimate: both ends or neither, each finite, low ≤ estimate ≤ high.
     * Order statistics around a median always contain it, so anything else is a broken sender.
     */
    public static void interval(Double low, Double high, double estimate, String lowField, String highField) {
        if ((low == null) != (high == null)) {
            throw new ProtocolException(low == null ? lowField : highField, "is required when "
                    + (low == null ? highField : lowField) + " is given");
        }
        if (low == null) {
            return;
        }
        nonNegative(low, lowField);
        nonNegative(high, highField);
        if (low > estimate) {
            throw new ProtocolException(lowField, "must be ≤ the estimate " + estimate + ", got " + low);
        }
        if (high < estimate) {
            throw new ProtocolException(highField, "must be ≥ the estimate " + estimate + ", got " + high);
        }
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
