package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Verifies that every numeric field of a job is checked against its range in {@link Limits} when decoded, that
 * the failure names the field, and that integers must be integers.
 */
class LimitsTest {
    private static final String SHA = "a".repeat(64);
    private static final String JOB = "{\"schemaVersion\":\"1.2\",\"type\":\"job\",\"correlationId\":\"c\","
            + "\"jobId\":\"j\",\"attempt\":1,\"model\":{\"url\":\"http://h/m\",\"sha256\":\"" + SHA + "\","
            + "\"sizeBytes\":10},\"input\":{\"name\":\"x\",\"shape\":[1,3],\"scale\":1,\"mean\":0,\"std\":1},"
            + "\"settings\":{\"threads\":1,\"warmupRuns\":2,\"minRuns\":5,\"minDurationMs\":100,"
            + "\"profileNodes\":false,\"maxDurationMs\":0,\"ciHalfWidth\":0},\"deadlineMs\":1,"
            + "\"workload\":[{\"name\":\"l\",\"macs\":1,\"weightParams\":1,\"bits\":8,\"activationElements\":1}]}";

    private final MessageCodec codec = new MessageCodec();

    private String fieldOf(String json) {
        try {
            codec.decode(json.getBytes(StandardCharsets.UTF_8));
        } catch (ProtocolException e) {
            return e.field();
        }
        throw new AssertionError("expected a ProtocolException for " + json);
    }

    @Test
    void decode_jobWithinEveryLimit_isAccepted() {
        MeasurementJob job = codec.decode(JOB.getBytes(StandardCharsets.UTF_8), MeasurementJob.class);
        assertThat(job.input().name()).isEqualTo("x");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "\"threads\":1|\"threads\":257|settings.threads",
        "\"threads\":1|\"threads\":100000|settings.threads",
        "\"threads\":1|\"threads\":-1|settings.threads",
        "\"warmupRuns\":2|\"warmupRuns\":10001|settings.warmupRuns",
        "\"minRuns\":5|\"minRuns\":2147483647|settings.minRuns",
        "\"minRuns\":5|\"minRuns\":0|settings.minRuns",
        "\"minDurationMs\":100|\"minDurationMs\":600001|settings.minDurationMs",
        "\"maxDurationMs\":0|\"maxDurationMs\":9223372036854775807|settings.maxDurationMs",
        "\"ciHalfWidth\":0|\"ciHalfWidth\":0.51|settings.ciHalfWidth",
        "\"shape\":[1,3]|\"shape\":[2147483647,3]|input.shape",
        "\"shape\":[1,3]|\"shape\":[1024,1024,1024]|input.shape",
        "\"shape\":[1,3]|\"shape\":[1,1,1,1,1,1,1,1,1]|input.shape",
        "\"shape\":[1,3]|\"shape\":[]|input.shape",
        "\"shape\":[1,3]|\"shape\":[1,0]|input.shape",
        "\"sizeBytes\":10|\"sizeBytes\":2147483648|model.sizeBytes",
        "\"bits\":8|\"bits\":33|workload.bits",
        "\"bits\":8|\"bits\":0|workload.bits",
        "\"attempt\":1|\"attempt\":1001|attempt",
        "\"std\":1|\"std\":0|input.std",
    })
    void decode_fieldOutOfRange_namesTheField(String valid, String invalid, String field) {
        assertThat(JOB).contains(valid);
        assertThat(fieldOf(JOB.replace(valid, invalid))).isEqualTo(field);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "\"threads\":1|\"threads\":2.5|settings.threads",
        "\"threads\":1|\"threads\":1.0|settings.threads",
        "\"threads\":1|\"threads\":\"2\"|settings.threads",
        "\"threads\":1|\"threads\":true|settings.threads",
        "\"shape\":[1,3]|\"shape\":[1.5,3]|input.shape[0]",
        "\"minDurationMs\":100|\"minDurationMs\":100.5|settings.minDurationMs",
        "\"profileNodes\":false|\"profileNodes\":0|settings.profileNodes",
        "\"std\":1|\"std\":\"1\"|input.std",
        "\"jobId\":\"j\"|\"jobId\":5|jobId",
    })
    void decode_valueOfAnotherKind_isRefusedNotCoerced(String valid, String invalid, String field) {
        assertThat(JOB).contains(valid);
        assertThat(fieldOf(JOB.replace(valid, invalid))).isEqualTo(field);
    }

    @Test
    void decode_hugeInputName_namesTheField() {
        assertThat(fieldOf(JOB.replace("\"name\":\"x\"", "\"name\":\"" + "x".repeat(5000) + "\"")))
                .isEqualTo("input.name");
    }

    @Test
    void decode_unavailableStatus_keepsItsReason() {
        String json = "{\"schemaVersion\":\"1.2\",\"type\":\"status\",\"correlationId\":\"c\",\"agentId\":\"a\","
                + "\"state\":\"unavailable\",\"reason\":\"worker down\",\"sentAtMs\":1}";
        AgentStatus s = codec.decode(json.getBytes(StandardCharsets.UTF_8), AgentStatus.class);
        assertThat(s.reason()).isEqualTo("worker down");
    }
}
