package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Require;

/** Controller → agent: drop a queued job, or stop a running one at its next check. */
public record CancelJob(String schemaVersion, String type, String correlationId, String jobId) implements Message {
    public static final String TYPE = "cancel";

    public CancelJob {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(jobId, "jobId");
        type = TYPE;
    }
}
