package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Verifies that 1.1, 1.2 and 1.3 only add optional fields and 1.4 one message kind: older messages still decode,
 * new values are checked by name.
 */
class MinorVersionTest {
    private static final String SHA = "a".repeat(64);
    /** A job as a 1.0 controller sent it: no cap, no CI target, no reference. */
    private static final String JOB_1_0 = "{\"schemaVersion\":\"1.0\",\"type\":\"job\",\"correlationId\":\"c\","
            + "\"jobId\":\"j\",\"attempt\":1,\"model\":{\"url\":\"http://h/m\",\"sha256\":\"" + SHA + "\","
            + "\"sizeBytes\":10},\"input\":{\"shape\":[1,3],\"scale\":1,\"mean\":0,\"std\":1},"
            + "\"settings\":{\"threads\":1,\"warmupRuns\":2,\"minRuns\":5,\"minDurationMs\":100,"
            + "\"profileNodes\":false},\"deadlineMs\":1}";
    /** A result as a 1.0 agent sent it: no CI, no reference. */
    private static final String RESULT_1_0 = "{\"schemaVersion\":\"1.0\",\"type\":\"result\",\"correlationId\":\"c\","
            + "\"agentId\":\"a\",\"jobId\":\"j\",\"attempt\":1,\"modelSha256\":\"" + SHA + "\",\"simulated\":false,"
            + "\"latency\":{\"runs\":5,\"medianMs\":1,\"p90Ms\":1,\"p99Ms\":1,\"meanMs\":1,\"cv\":0,\"totalMs\":5},"
            + "\"nodes\":[],\"energy\":{\"meter\":\"rapl\",\"estimated\":false,\"millijoulesPerInference\":1,"
            + "\"averageWatts\":1,\"idleWatts\":0},\"peakMemoryBytes\":0,\"threads\":1}";

    private final MessageCodec codec = new MessageCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String fieldOf(Runnable r) {
        try {
            r.run();
        } catch (ProtocolException e) {
            return e.field();
        }
        throw new AssertionError("expected a ProtocolException");
    }

    /** A status as a 1.2 agent sent it: the providers on offer, not the one in use. */
    private static final String STATUS_1_2 = "{\"schemaVersion\":\"1.2\",\"type\":\"status\",\"correlationId\":\"c\","
            + "\"agentId\":\"a\",\"state\":\"online\",\"deviceClass\":\"jetson-orin-nano\",\"capabilities\":{"
            + "\"arch\":\"aarch64\",\"os\":\"Linux\",\"cores\":6,\"memoryMb\":8000,\"onnxRuntimeVersion\":\"1.23.2\","
            + "\"executionProviders\":[\"CPU\"],\"energyMeter\":\"jetson-ina3221\",\"simulated\":false,"
            + "\"agentVersion\":\"0.1.0\"},\"sentAtMs\":1}";

    @Test
    void version_is1_5() {
        assertThat(Messages.SCHEMA_VERSION).isEqualTo("1.5");
        assertThat(Messages.MINOR).isEqualTo(5);
    }

    @Test
    void decode_status1_4_hasNoHeartbeat() {
        assertThat(codec.decode(utf8(STATUS_1_2.replace("\"1.2\"", "\"1.4\"")), AgentStatus.class).heartbeatS())
                .isNull();
    }

    @Test
    void roundTrip_heartbeat_keepsPeriodAndTime() {
        AgentStatus s = codec.decode(utf8(STATUS_1_2), AgentStatus.class).beat(2, 1234, 3);
        AgentStatus back = codec.decode(codec.encode(s), AgentStatus.class);
        assertThat(back.heartbeatS()).isEqualTo(2);
        assertThat(back.jobsHeld()).isEqualTo(3);
        assertThat(back.sentAtMs()).isEqualTo(1234);
    }

    @Test
    void decode_heartbeatOutOfRange_isRefusedNamingTheField() {
        String bad = STATUS_1_2.replace("\"sentAtMs\":1", "\"sentAtMs\":1,\"heartbeatS\":0");
        assertThatThrownBy(() -> codec.decode(utf8(bad), AgentStatus.class)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("heartbeatS");
    }

    @Test
    void decode_messagesOf1_3_stillDecode() {
        assertThat(codec.decode(utf8(RESULT_1_0.replace("\"1.0\"", "\"1.3\"")), JobResult.class).jobId())
                .isEqualTo("j");
        assertThat(codec.decode(utf8(JOB_1_0.replace("\"1.0\"", "\"1.3\"")), MeasurementJob.class).attempt())
                .isEqualTo(1);
    }

    @Test
    void decode_status1_2_hasNoProviderInUse() {
        AgentStatus s = codec.decode(utf8(STATUS_1_2), AgentStatus.class);
        assertThat(s.capabilities().executionProviders()).containsExactly("CPU");
        assertThat(s.capabilities().executionProvider()).isNull();
    }

    @Test
    void decode_result1_0_hasNoProvider() {
        assertThat(codec.decode(utf8(RESULT_1_0), JobResult.class).executionProvider()).isNull();
    }

    @Test
    void decode_providerInUse_roundTrips() {
        AgentStatus s = codec.decode(utf8(STATUS_1_2.replace("\"agentVersion\":\"0.1.0\"",
                "\"agentVersion\":\"0.1.0\",\"executionProvider\":\"TENSOR_RT\"")), AgentStatus.class);
        assertThat(s.capabilities().executionProvider()).isEqualTo("TENSOR_RT");
        JobResult r = codec.decode(codec.encode(SampleMessages.pairedResult()), JobResult.class);
        assertThat(r.executionProvider()).isEqualTo("CPU");
    }

    @Test
    void decode_emptyProviderInUse_namesTheField() {
        String json = STATUS_1_2.replace("\"agentVersion\":\"0.1.0\"", "\"agentVersion\":\"0.1.0\",\"executionProvider\":\"\"");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("capabilities.executionProvider");
    }

    @Test
    void decode_job1_0_takesTheAgentDefaultsAndNoReference() {
        MeasurementJob job = codec.decode(utf8(JOB_1_0), MeasurementJob.class);
        assertThat(job.settings().maxDurationMs()).isZero();
        assertThat(job.settings().ciHalfWidth()).isZero();
        assertThat(job.reference()).isNull();
        assertThat(job.referenceWorkload()).isEmpty();
    }

    @Test
    void decode_result1_0_hasNoIntervalAndNoReference() {
        JobResult r = codec.decode(utf8(RESULT_1_0), JobResult.class);
        assertThat(r.latency().medianCiLowMs()).isNull();
        assertThat(r.latency().ciTargetReached()).isNull();
        assertThat(r.reference()).isNull();
    }

    @Test
    void encode_1_0ShapedRecords_omitTheNewFields() {
        String json = new String(codec.encode(SampleMessages.all().get(6)), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("medianCiLowMs", "ciTargetReached", "\"reference\"", "executionProvider");
    }

    @Test
    void decode_pairedJobAndResult_roundTrip() {
        assertThat(codec.decode(codec.encode(SampleMessages.pairedJob()))).usingRecursiveComparison()
                .isEqualTo(SampleMessages.pairedJob());
        JobResult back = codec.decode(codec.encode(SampleMessages.pairedResult()), JobResult.class);
        assertThat(back).usingRecursiveComparison().isEqualTo(SampleMessages.pairedResult());
        assertThat(back.reference().ratioCiLow()).isEqualTo(0.48);
    }

    @Test
    void decode_ciHalfWidthOfOneOrMore_namesTheField() {
        String json = JOB_1_0.replace("\"profileNodes\":false", "\"profileNodes\":false,\"ciHalfWidth\":1.0");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("settings.ciHalfWidth");
    }

    @Test
    void decode_negativeMaxDuration_namesTheField() {
        String json = JOB_1_0.replace("\"profileNodes\":false", "\"profileNodes\":false,\"maxDurationMs\":-1");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("settings.maxDurationMs");
    }

    @Test
    void decode_badReferenceSha_namesTheReferenceNotTheModel() {
        String json = JOB_1_0.replace("\"deadlineMs\":1", "\"deadlineMs\":1,\"reference\":{\"url\":\"http://h/r\","
                + "\"sha256\":\"xyz\",\"sizeBytes\":10}");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("reference.sha256");
    }

    @Test
    void decode_intervalNotAroundTheMedian_namesTheField() {
        String json = RESULT_1_0.replace("\"totalMs\":5", "\"totalMs\":5,\"medianCiLowMs\":1.5,\"medianCiHighMs\":2");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("latency.medianCiLowMs");
    }

    @Test
    void decode_halfAnInterval_namesTheMissingEnd() {
        String json = RESULT_1_0.replace("\"totalMs\":5", "\"totalMs\":5,\"medianCiLowMs\":0.5");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("latency.medianCiHighMs");
    }

    @Test
    void decode_referenceWithZeroRatio_namesTheField() {
        String json = RESULT_1_0.replace("\"threads\":1", "\"threads\":1,\"reference\":{\"modelSha256\":\"" + SHA
                + "\",\"latency\":{\"runs\":5,\"medianMs\":1,\"p90Ms\":1,\"p99Ms\":1,\"meanMs\":1,\"cv\":0,"
                + "\"totalMs\":5},\"rounds\":3,\"ratio\":0}");
        assertThat(fieldOf(() -> codec.decode(utf8(json)))).isEqualTo("reference.ratio");
    }

    @Test
    void construct_ratioOutsideItsInterval_isRefused() {
        JobResult.Latency l = new JobResult.Latency(5, 1, 1, 1, 1, 0, 5);
        assertThatThrownBy(() -> new JobResult.Reference(SHA, l, 3, 0.9, 0.95, 1.0))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("reference.ratioCiLow");
    }
}
