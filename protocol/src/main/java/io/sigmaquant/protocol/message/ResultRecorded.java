package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.Require;

/**
 * Controller → agent, since 1.4: a controller has recorded the agent's result for (jobId, attempt) in its store,
 * so the agent may forget it. Until then the agent publishes the result again now and then: a broker may drop a
 * result that was in flight to a controller replica that died (Mosquitto does, for shared subscriptions). Sent
 * once per result a controller records, so possibly more than once (QoS 1, several replicas); idempotent.
 */
public record ResultRecorded(String schemaVersion, String type, String correlationId, String jobId, int attempt)
        implements Message {
    public static final String TYPE = "result-recorded";

    public ResultRecorded {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(jobId, "jobId");
        Require.range(attempt, 1, Limits.MAX_ATTEMPT, "attempt");
        type = TYPE;
    }

    /** The acknowledgement of one result. */
    public static ResultRecorded of(JobResult result) {
        return new ResultRecorded(Messages.SCHEMA_VERSION, null, result.correlationId(), result.jobId(),
                result.attempt());
    }
}
