package io.sigmaquant.protocol.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message of the protocol. The {@code type} field names the kind; every message carries the schema
 * version and a correlation id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentStatus.class, name = AgentStatus.TYPE),
    @JsonSubTypes.Type(value = MeasurementJob.class, name = MeasurementJob.TYPE),
    @JsonSubTypes.Type(value = CancelJob.class, name = CancelJob.TYPE),
    @JsonSubTypes.Type(value = JobAccepted.class, name = JobAccepted.TYPE),
    @JsonSubTypes.Type(value = JobProgress.class, name = JobProgress.TYPE),
    @JsonSubTypes.Type(value = JobResult.class, name = JobResult.TYPE),
    @JsonSubTypes.Type(value = JobError.class, name = JobError.TYPE),
    @JsonSubTypes.Type(value = ResultRecorded.class, name = ResultRecorded.TYPE)
})
public sealed interface Message permits AgentStatus, MeasurementJob, CancelJob, JobAccepted, JobProgress, JobResult,
        JobError, ResultRecorded {
    String schemaVersion();

    String type();

    String correlationId();
}
