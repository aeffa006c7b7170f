package io.sigmaquant.protocol;

/**
 * Bytes from the wire that are not a valid message: names the field at fault (a dotted path, empty for the
 * whole message) and the reason. Answered with an error reply, never thrown onto an event loop.
 */
public class ProtocolException extends RuntimeException {
    private final String field;
    private final String reason;
    private final String jobId;

    public ProtocolException(String field, String reason) {
        this(field, reason, null);
    }

    public ProtocolException(String field, String reason, String jobId) {
        super(field.isEmpty() ? reason : field + ": " + reason);
        this.field = field;
        this.reason = reason;
        this.jobId = jobId;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The job id, when it could be read from the rejected message, so the reply can name the job. */
    public String jobId() {
        return jobId;
    }

    public ProtocolException withJobId(String id) {
        return new ProtocolException(field, reason, id);
    }
}
