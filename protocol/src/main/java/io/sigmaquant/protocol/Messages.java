package io.sigmaquant.protocol;

/** Protocol-wide constants. */
public final class Messages {
    /**
     * Major.minor; a receiver refuses another major and tolerates unknown fields of a newer minor. A minor
     * version only adds optional fields, so a 1.0 message is still a valid 1.1 message. 1.1 added the median's
     * confidence interval, the measurement's time cap and CI target, and paired measurement against a reference.
     * 1.2 added the status {@code unavailable} with its {@code reason}, and the error codes {@code invalid-job},
     * {@code unknown-job} and {@code untrusted-url}. 1.3 added the execution provider an agent measures with, in its
     * capabilities and in its results. 1.4 added the message {@code result-recorded} (controller → agent: a result is in
     * the store; the agent stops publishing it again); a 1.3 agent answers it with a {@code malformed} error, as it
     * answers any kind it does not know, and a 1.3 controller never sends it. 1.5 added the status heartbeat: {@code
     * heartbeatS}, the period at which a connected agent publishes its status again, and {@code jobsHeld}, the jobs it
     * holds then.
     */
    public static final String SCHEMA_VERSION = "1.5";
    public static final int MAJOR = 1;
    public static final int MINOR = 5;

    /** The minor version of a {@code MAJOR.MINOR} schema version, or -1 when it is none. */
    public static int minorOf(String schemaVersion) {
        int dot = schemaVersion == null ? -1 : schemaVersion.indexOf('.');
        try {
            return dot < 0 ? -1 : Integer.parseInt(schemaVersion.substring(dot + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Messages() {
    }
}
