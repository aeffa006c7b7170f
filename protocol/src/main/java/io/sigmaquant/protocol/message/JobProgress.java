package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Require;

/** Agent → controller: which phase a job is in (downloading, warming-up, measuring, profiling). */
public record JobProgress(String schemaVersion, String type, String correlationId, String agentId, String jobId,
                          int attempt, String phase) implements Message {
    public static final String TYPE = "progress";

    public JobProgress {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        Require.text(jobId, "jobId");
        Require.text(phase, "phase");
        type = TYPE;
    }
}
