package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static final String VERSION = "\"schemaVersion\":\"" + Messages.SCHEMA_VERSION + "\"";
    private final MessageCodec codec = new MessageCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String jobJson() {
        return new String(codec.encode(SampleMessages.job()), StandardCharsets.UTF_8);
    }

    @Test
    void decode_everyEncodedKind_roundTrips() {
        for (Message m : SampleMessages.all()) {
            Message back = codec.decode(codec.encode(m));
            assertThat(back).as(m.type()).usingRecursiveComparison().isEqualTo(m);
            assertThat(back.type()).isEqualTo(m.type());
        }
    }

    @Test
    void decode_unknownMajorVersion_isRefusedNamingTheJob() {
        String json = jobJson().replace(VERSION, "\"schemaVersion\":\"2.0\"");
        assertThatThrownBy(() -> codec.decode(utf8(json))).isInstanceOf(UnsupportedVersionException.class)
                .hasMessageContaining("2.0").extracting(e -> ((ProtocolException) e).jobId()).isEqualTo("job-1");
    }

    @Test
    void decode_newerMinorWithExtraFields_isTolerated() {
        String json = jobJson().replace(VERSION, "\"schemaVersion\":\"1.7\",\"priority\":3");
        assertThat(codec.decode(utf8(json), MeasurementJob.class).jobId()).isEqualTo("job-1");
    }

    @Test
    void decode_notJson_isMalformed() {
        assertThatThrownBy(() -> codec.decode(utf8("{\"type\": \"job\", "))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void decode_missingVersion_namesTheField() {
        assertThatThrownBy(() -> codec.decode(utf8("{\"type\":\"job\",\"jobId\":\"j\"}")))
                .isInstanceOf(ProtocolException.class).extracting(e -> ((ProtocolException) e).field())
                .isEqualTo("schemaVersion");
    }

    @Test
    void decode_badSha256_namesTheNestedField() {
        String json = jobJson().replace(SampleMessages.SHA + "\",\"sizeBytes\"", "xyz\",\"sizeBytes\"");
        assertThatThrownBy(() -> codec.decode(utf8(json))).isInstanceOf(ProtocolException.class)
                .satisfies(e -> {
                    assertThat(((ProtocolException) e).field()).isEqualTo("model.sha256");
                    assertThat(((ProtocolException) e).jobId()).isEqualTo("job-1");
                });
    }

    @Test
    void decode_wrongFieldType_namesThePath() {
        String json = jobJson().replace("\"attempt\":1", "\"attempt\":\"first\"");
        assertThatThrownBy(() -> codec.decode(utf8(json))).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo("attempt");
    }

    @Test
    void decode_missingRequiredObject_isRefused() {
        String json = jobJson().replaceAll("\"settings\":\\{[^}]*\\},", "");
        assertThatThrownBy(() -> codec.decode(utf8(json))).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo("settings");
    }

    @Test
    void decode_unknownType_listsTheKnownOnes() {
        assertThatThrownBy(() -> codec.decode(utf8("{\"schemaVersion\":\"1.0\",\"type\":\"reboot\"}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("reboot").hasMessageContaining("job");
    }

    @Test
    void decode_expectedKindMismatch_isRefused() {
        byte[] job = codec.encode(SampleMessages.job());
        assertThatThrownBy(() -> codec.decode(job, JobResult.class)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("JobResult");
    }

    @Test
    void decode_oversizedMessage_isRefusedBeforeParsing() {
        assertThatThrownBy(() -> codec.decode(new byte[Limits.MAX_MESSAGE_BYTES + 1])).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeds");
    }
}
