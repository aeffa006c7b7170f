package io.sigmaquant.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Verifies that the job service hands acknowledgements to its replies and never answers one with an error. */
class JobServiceAckTest {
    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final List<ResultRecorded> acks = new CopyOnWriteArrayList<>();
    private final Replies replies = new Replies() {
        @Override
        public void send(Message reply) {
            sent.add(reply);
        }

        @Override
        public void recorded(ResultRecorded ack) {
            acks.add(ack);
        }
    };
    private final JobService service = new JobService("agent-1", new NeverRuns(), replies, 4, new SimpleMeterRegistry(),
            System::currentTimeMillis);

    @AfterEach
    void stop() {
        service.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onMessage_ack_reachesTheRepliesAndIsNotAnswered() {
        ResultRecorded ack = new ResultRecorded(Messages.SCHEMA_VERSION, null, "run-1", "j1", 2);

        service.onMessage(new MessageCodec().encode(ack));

        assertThat(acks).containsExactly(ack);
        assertThat(sent).isEmpty();
    }

    @Test
    void onMessage_ackFailingTheChecks_isIgnoredWithoutAReply() {
        service.onMessage(utf8("{\"schemaVersion\":\"1.4\",\"type\":\"result-recorded\",\"correlationId\":\"c\","
                + "\"jobId\":\"j1\",\"attempt\":0}"));
        service.onMessage(utf8("{\"schemaVersion\":\"2.0\",\"type\":\"result-recorded\",\"correlationId\":\"c\","
                + "\"jobId\":\"j1\",\"attempt\":1}"));
        service.onMessage(utf8("{\"type\":\"result-recorded\"}"));

        assertThat(acks).isEmpty();
        assertThat(sent).isEmpty();
    }

    @Test
    void onMessage_otherMalformedPayload_isStillAnsweredWithAnError() {
        service.onMessage(utf8("{\"schemaVersion\":\"1.4\",\"type\":\"job\",\"jobId\":\"j9\"}"));
        service.onMessage(utf8("not json"));

        assertThat(sent).hasSize(2).allMatch(m -> m instanceof JobError e && e.code().equals(JobError.Codes.MALFORMED));
    }

    /** The tests send no jobs. */
    private static final class NeverRuns implements JobExecutor {
        @Override
        public JobResult execute(MeasurementJob job, Consumer<String> phase, BooleanSupplier cancelled) {
            throw new AssertionError("no job was sent");
        }

        @Override
        public String energyMeter() {
            return "estimate";
        }

        @Override
        public boolean simulated() {
            return true;
        }
    }
}
