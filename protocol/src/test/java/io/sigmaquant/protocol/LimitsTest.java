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
    /** A 1.2 job with a reference and a workload, as the codec writes it; the cases below edit one field. */
    private static final String JOB = new String(new MessageCodec().encode(SampleMessages.pairedJob()),
            StandardCharsets.UTF_8);

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
        assertThat(job.input().name()).isEqualTo("input");
    }

    /** Out of its range in {@link Limits}, or a value of another JSON kind (not coerced): refused, field named. */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "\"threads\":2|\"threads\":257|settings.threads",
        "\"threads\":2|\"threads\":100000|settings.threads",
        "\"threads\":2|\"threads\":-1|settings.threads",
        "\"warmupRuns\":10|\"warmupRuns\":10001|settings.warmupRuns",
        "\"minRuns\":50|\"minRuns\":2147483647|settings.minRuns",
        "\"minRuns\":50|\"minRuns\":0|settings.minRuns",
        "\"minDurationMs\":2000|\"minDurationMs\":600001|settings.minDurationMs",
        "\"maxDurationMs\":8000|\"maxDurationMs\":9223372036854775807|settings.maxDurationMs",
        "\"ciHalfWidth\":0.01|\"ciHalfWidth\":0.51|settings.ciHalfWidth",
        "\"shape\":[1,1,28,28]|\"shape\":[2147483647,1,28,28]|input.shape",
        "\"shape\":[1,1,28,28]|\"shape\":[1024,1024,1024]|input.shape",
        "\"shape\":[1,1,28,28]|\"shape\":[1,1,1,1,1,1,1,1,1]|input.shape",
        "\"shape\":[1,1,28,28]|\"shape\":[]|input.shape",
        "\"shape\":[1,1,28,28]|\"shape\":[1,0,28,28]|input.shape",
        "\"sizeBytes\":313763|\"sizeBytes\":2147483648|model.sizeBytes",
        "\"sizeBytes\":400000|\"sizeBytes\":0|reference.sizeBytes",
        "\"bits\":8|\"bits\":33|workload.bits",
        "\"bits\":32|\"bits\":0|referenceWorkload.bits",
        "\"attempt\":1|\"attempt\":1001|attempt",
        "\"std\":0.353|\"std\":0|input.std",
        "\"threads\":2|\"threads\":2.5|settings.threads",
        "\"threads\":2|\"threads\":1.0|settings.threads",
        "\"threads\":2|\"threads\":\"2\"|settings.threads",
        "\"threads\":2|\"threads\":true|settings.threads",
        "\"shape\":[1,1,28,28]|\"shape\":[1.5,1,28,28]|input.shape[0]",
        "\"minDurationMs\":2000|\"minDurationMs\":2000.5|settings.minDurationMs",
        "\"profileNodes\":false|\"profileNodes\":0|settings.profileNodes",
        "\"std\":0.353|\"std\":\"1\"|input.std",
        "\"jobId\":\"job-2\"|\"jobId\":5|jobId",
    })
    void decode_fieldOutOfRangeOrOfAnotherKind_namesTheField(String valid, String invalid, String field) {
        assertThat(JOB).contains(valid);
        assertThat(fieldOf(JOB.replace(valid, invalid))).isEqualTo(field);
    }

    @Test
    void decode_hugeInputName_namesTheField() {
        assertThat(fieldOf(JOB.replace("\"name\":\"input\"", "\"name\":\"" + "x".repeat(5000) + "\"")))
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
