package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.ResultRecorded;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Verifies that {@code result-recorded} (1.4) travels as the other kinds do and is checked field by field. */
class ResultRecordedTest {
    /** As a 1.4 controller sends it. */
    private static final String ACK = "{\"schemaVersion\":\"1.4\",\"type\":\"result-recorded\",\"correlationId\":\"run-7\","
            + "\"jobId\":\"job-3\",\"attempt\":2}";

    private final MessageCodec codec = new MessageCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String fieldOf(String json) {
        try {
            codec.decode(utf8(json));
        } catch (ProtocolException e) {
            return e.field();
        }
        throw new AssertionError("expected a ProtocolException for " + json);
    }

    @Test
    void decode_ack_namesTheRunJobAndAttempt() {
        ResultRecorded ack = codec.decode(utf8(ACK), ResultRecorded.class);
        assertThat(ack).isEqualTo(new ResultRecorded("1.4", null, "run-7", "job-3", 2));
        assertThat(ack.type()).isEqualTo("result-recorded");
    }

    @Test
    void encode_ack_roundTrips() {
        ResultRecorded ack = ResultRecorded.of(SampleMessages.pairedResult());
        assertThat(codec.decode(codec.encode(ack))).isEqualTo(ack);
        assertThat(ack.jobId()).isEqualTo("job-2");
        assertThat(ack.attempt()).isEqualTo(1);
        assertThat(ack.schemaVersion()).isEqualTo(Messages.SCHEMA_VERSION);
    }

    @Test
    void decode_newerMinorWithExtraFields_isTolerated() {
        String json = ACK.replace("\"1.4\"", "\"1.9\",\"replica\":\"r2\"");
        assertThat(codec.decode(utf8(json), ResultRecorded.class).attempt()).isEqualTo(2);
    }

    @Test
    void decode_attemptOutOfRange_namesTheField() {
        assertThat(fieldOf(ACK.replace("\"attempt\":2", "\"attempt\":0"))).isEqualTo("attempt");
        assertThat(fieldOf(ACK.replace("\"attempt\":2", "\"attempt\":1001"))).isEqualTo("attempt");
    }

    @Test
    void decode_attemptAsFloat_isRefused() {
        assertThat(fieldOf(ACK.replace("\"attempt\":2", "\"attempt\":2.0"))).isEqualTo("attempt");
    }

    @Test
    void decode_missingJobId_namesTheField() {
        assertThat(fieldOf(ACK.replace("\"jobId\":\"job-3\",", ""))).isEqualTo("jobId");
    }

    @Test
    void decode_blankCorrelationId_namesTheField() {
        assertThat(fieldOf(ACK.replace("\"run-7\"", "\" \""))).isEqualTo("correlationId");
    }

    @Test
    void decode_jobIdOverTheTextLimit_namesTheField() {
        String json = ACK.replace("\"job-3\"", "\"" + "j".repeat(Limits.MAX_TEXT_LENGTH + 1) + "\"");
        assertThat(fieldOf(json)).isEqualTo("jobId");
    }

    @Test
    void decode_otherMajor_isRefused() {
        assertThatThrownBy(() -> codec.decode(utf8(ACK.replace("\"1.4\"", "\"2.0\""))))
                .isInstanceOf(UnsupportedVersionException.class);
    }

    @Test
    void construct_attemptZero_isRefusedNamingTheField() {
        assertThatThrownBy(() -> new ResultRecorded("1.4", null, "c", "j", 0))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("attempt");
    }
}
