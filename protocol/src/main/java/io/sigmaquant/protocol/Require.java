package io.sigmaquant.protocol;

import java.util.List;
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
        return length(value, field);
    }

    /** An optional name: null, or a text that is not blank (and not too long). */
    public static String optionalText(String value, String field) {
        if (value != null && value.isBlank()) {
            throw new ProtocolException(field, "must not be blank when present");
        }
        return length(value, field);
    }

    /** An optional text: null, or at most {@link Limits#MAX_TEXT_LENGTH} characters. */
    public static String length(String value, String field) {
        if (value != null && value.length() > Limits.MAX_TEXT_LENGTH) {
            throw new ProtocolException(field, "is longer than " + Limits.MAX_TEXT_LENGTH + " characters");
        }
        return value;
    }

    /** An integer within [min, max] (a range of {@link Limits}). */
    public static long range(long value, long min, long max, String field) {
        if (value < min || value > max) {
            throw new ProtocolException(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A number within [min, max] (a range of {@link Limits}); NaN is out of every range. */
    public static double range(double value, double min, double max, String field) {
        if (!(value >= min && value <= max)) {
            throw new ProtocolException(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new ProtocolException(field, "must be a finite number, got " + value);
        }
        return value;
    }

    /** A list of at most {@code max} entries; null is empty. */
    public static <T> List<T> atMost(List<T> list, int max, String field) {
        if (list == null) {
            return List.of();
        }
        if (list.size() > max) {
            throw new ProtocolException(field, "has " + list.size() + " entries, more than " + max);
        }
        if (list.stream().anyMatch(e -> e == null)) {
            throw new ProtocolException(field, "must not contain null");
        }
        return List.copyOf(list);
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
