package io.sigmaquant.protocol;

/** Protocol-wide constants. */
public final class Messages {
    /** Major.minor; a receiver refuses another major and tolerates unknown fields of a newer minor. */
    public static final String SCHEMA_VERSION = "1.0";
    public static final int MAJOR = 1;
    /** Messages above this size are refused before parsing. */
    public static final int MAX_BYTES = 1 << 20;

    private Messages() {
    }
}
