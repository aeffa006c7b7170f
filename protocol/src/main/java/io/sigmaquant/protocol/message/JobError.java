package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Require;

/**
 * Agent → controller: a job failed, or a message could not be read. {@code jobId} is null only when the
 * message was too broken to name its job.
 *
 * @param code a stable machine-readable cause (see {@link Codes})
 */
public record JobError(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                       int attempt, String code, String reason) implements Message {
    public static final String TYPE = "error";

    public JobError {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        Require.text(code, "code");
        Require.text(reason, "reason");
        type = TYPE;
    }

    /** Error codes. */
    public static final class Codes {
        public static final String MALFORMED = "malformed-message";
        public static final String UNSUPPORTED_VERSION = "unsupported-version";
        public static final String DOWNLOAD_FAILED = "download-failed";
        public static final String SIZE_LIMIT = "model-too-large";
        public static final String SIZE_MISMATCH = "size-mismatch";
        public static final String CHECKSUM_MISMATCH = "sha256-mismatch";
        public static final String MODEL_REJECTED = "model-rejected";
        public static final String DEADLINE_EXCEEDED = "deadline-exceeded";
        public static final String QUEUE_FULL = "queue-full";
        public static final String CANCELLED = "cancelled";
        public static final String MEASUREMENT_FAILED = "measurement-failed";
        /** Since 1.2: a well-formed job this agent cannot measure as asked (threads above its cores, an input
         * the model does not have); the reason names the field. */
        public static final String INVALID_JOB = "invalid-job";
        /** Since 1.2: the answer to a cancel for a job this agent does not hold (unknown, or already answered). */
        public static final String UNKNOWN_JOB = "unknown-job";
        /** Since 1.2: the model URL is not on the origin the agent trusts (its controller), or names a path
         * that leaves it ({@code ..}, encoded separators), or redirects elsewhere. */
        public static final String UNTRUSTED_URL = "untrusted-url";

        private Codes() {
        }
    }
}
