package io.sigmaquant.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.ControllerClient;
import io.sigmaquant.agent.testing.Fixtures;
import io.sigmaquant.agent.testing.JobFuzzer;
import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.ModelServer;
import io.sigmaquant.agent.testing.TestBroker;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a live agent (real Mosquitto, real worker process, real ONNX Runtime) survives a few thousand
 * generated job-topic messages ({@link JobFuzzer}, seed fixed): every job and cancel it can read gets exactly one
 * final reply, every message it cannot read an error, nothing hangs, and it measures a valid job afterwards.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentFuzzIT {
    private static final long SEED = 13;
    private static final int MESSAGES = 3000;

    @TempDir
    Path cacheDir;

    @Test
    void jobsTopic_fuzzedMessages_areEachAnsweredAndTheAgentStillMeasures() throws Exception {
        MessageCodec codec = new MessageCodec();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (TestBroker broker = TestBroker.start(); ModelServer models = new ModelServer();
             ControllerClient controller = new ControllerClient(broker.url(), "fuzz-controller");
             AgentRuntime agent = AgentRuntime.start(new AgentOptions(broker.url(), "agent-fuzz", "x86-64-generic")
                     .setEnergy("estimate").setCacheDir(cacheDir).setMaxModelBytes(4L << 20).setQueueCapacity(16))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> controller.status.containsKey("agent-fuzz"));
            JobFuzzer fuzzer = new JobFuzzer(SEED, "http://127.0.0.1:" + deadPort + "/models/m");
            Map<String, Integer> answerable = new HashMap<>();
            int unreadable = 0;
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                byte[] payload = fuzzer.next(i);
                payloads.add(payload);
                try {
                    Message m = codec.decode(payload);
                    if (m instanceof MeasurementJob j) {
                        answerable.merge(j.jobId(), 1, Integer::sum);
                    } else if (m instanceof CancelJob c) {
                        answerable.merge(c.jobId(), 1, Integer::sum);
                    } else {
                        unreadable++; // another kind of message: answered as malformed
                    }
                } catch (ProtocolException e) {
                    unreadable++;
                }
            }
            controller.sendAll("agent-fuzz", payloads, 8);
            int expectedMalformed = unreadable;
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    finals(controller).keySet().containsAll(answerable.keySet())
                            && malformed(controller) >= expectedMalformed);
            Map<String, List<Message>> finals = finals(controller);
            assertThat(answerable.keySet()).allSatisfy(id -> assertThat(finals.get(id)).as(id).hasSize(1));
            assertThat(malformed(controller)).isEqualTo(expectedMalformed);
            assertThat(answerable.size()).as("enough readable jobs and cancels").isGreaterThan(100);

            byte[] resnet = Files.readAllBytes(Fixtures.model("resnet"));
            controller.send("agent-fuzz", Jobs.job("valid-after-fuzz", models.serve("resnet", resnet), resnet,
                    Jobs.inAMinute()));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> finals(controller)
                    .containsKey("valid-after-fuzz"));
            assertThat(finals(controller).get("valid-after-fuzz")).singleElement().isInstanceOf(JobResult.class);
            assertThat(controller.status.get("agent-fuzz").state()).isEqualTo(AgentStatus.ONLINE);
        }
    }

    private static long malformed(ControllerClient controller) {
        return controller.of(JobError.class).stream().filter(e -> e.code().equals(JobError.Codes.MALFORMED)
                || e.code().equals(JobError.Codes.UNSUPPORTED_VERSION)).count();
    }

    /** Results and errors by job id: the final replies (accepted and progress are not). */
    private static Map<String, List<Message>> finals(ControllerClient controller) {
        Map<String, List<Message>> byId = new HashMap<>();
        for (Message m : controller.results) {
            String id = m instanceof JobResult r ? r.jobId() : m instanceof JobError e ? e.jobId() : null;
            if (id != null) {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
            }
        }
        return byId;
    }
}
