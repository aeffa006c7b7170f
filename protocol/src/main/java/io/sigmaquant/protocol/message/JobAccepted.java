package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Require;

/** Agent → controller: the job is queued at {@code queuePosition} (0 = next). */
public record JobAccepted(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                          int attempt, int queuePosition) implements Message {
    public static final String TYPE = "accepted";

    public JobAccepted {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        Require.text(jobId, "jobId");
        Require.nonNegative(queuePosition, "queuePosition");
        type = TYPE;
    }
}
