package io.sigmaquant.agent.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;

/**
 * The agent ↔ worker protocol: one JSON object per line on the worker's stdin (agent → worker) and stdout
 * (worker → agent). Both ends are the same build, so records travel as Jackson writes them; the job and the
 * result are the protocol's own records, already checked by the agent.
 */
final class WorkerLines {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    private WorkerLines() {
    }

    /** Measure this job's fetched files; {@code reference} is null when the job names none. */
    record Request(MeasurementJob job, String model, String reference) {
    }

    /** Agent → worker: a request, or a smart plug's reading for the mqtt-plug meter (which lives in the worker). */
    record Input(Request measure, String plug) {
    }

    /**
     * Worker → agent: {@code ready} once ONNX Runtime is loaded; then per request any number of {@code phase}
     * lines and one {@code result} or one failure ({@code code}, {@code reason}).
     */
    record Output(Boolean ready, String phase, JobResult result, String code, String reason) {
        static Output readyLine() {
            return new Output(true, null, null, null, null);
        }

        static Output phase(String phase) {
            return new Output(null, phase, null, null, null);
        }

        static Output result(JobResult result) {
            return new Output(null, null, result, null, null);
        }

        static Output failure(String code, String reason) {
            return new Output(null, null, null, code, reason == null || reason.isBlank() ? code : reason);
        }
    }

    static String write(Object line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a worker line", e);
        }
    }

    /** @throws JsonProcessingException for a line that is not one of ours (a native library's stray output) */
    static <T> T read(String line, Class<T> kind) throws JsonProcessingException {
        return JSON.readValue(line, kind);
    }
}
