package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.agent.testing.MqttRecorder;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.controller.wiring.ControllerParts;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a few thousand generated messages published where the controller listens, while a run is being
 * measured, neither crash nor wedge it and leave nothing in the store: the controller's parts as serve wires them
 * (embedded broker, store, dispatcher), one simulated agent that answers each job a moment late (so forgeries for
 * the same job arrive first), and a fuzzer that also reads the jobs topic, as the attacker did.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UntrustedMessagesFuzzIT {
    static final String AGENT = "sim-1";
    static final String CLASS = "x86-64-generic";
    static final int JOBS = 8;
    static final int FUZZ_MESSAGES = 3000;

    @TempDir
    Path work;

    final MessageCodec codec = new MessageCodec();
    final List<String> seenJobIds = new CopyOnWriteArrayList<>();

    @Test
    void fuzzedMessagesDuringARun_areCountedNotStoredAndTheRunFinishes() throws Exception {
        ExecutorService answers = Executors.newSingleThreadExecutor();
        try (ControllerParts parts = ControllerParts.start(new ControllerOptions().setDataDir(work).setHttpPort(0)
                .setMqttPort(0).setPersistentSession(false));
             MqttRecorder agent = simulatedAgent(parts.brokerUrl(), answers);
             MqttRecorder fuzzer = new MqttRecorder(parts.brokerUrl(), "fuzzer", true, 0,
                     m -> seenJobIds.add(codec.decode(m.payload(), MeasurementJob.class).jobId()))) {
            fuzzer.subscribe(Topics.ROOT + "/agents/+/jobs");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> parts.fleet().online(CLASS).size() == 1);
            parts.store().createRun("fuzz-run", "resnet.onnx", CLASS, Map.of(), RunStatus.RUNNING);

            // given: a run measuring its jobs one after another
            ExecutorService run = Executors.newSingleThreadExecutor();
            Future<List<Dispatcher.Measured>> measured = run.submit(() -> {
                List<Dispatcher.Measured> all = new ArrayList<>();
                for (int i = 0; i < JOBS; i++) {
                    MeasurementJob job = Jobs.job("fuzz-job-" + i, "http://127.0.0.1:1/models/" + "c".repeat(64),
                            "c".repeat(64), 1000, Jobs.inAMinute(), List.of());
                    Dispatcher.Measured m = parts.dispatcher().measure(CLASS, job,
                            new JobPolicy(Duration.ofSeconds(30), 2, Duration.ofSeconds(30)));
                    parts.store().recordMeasurement("fuzz-run", Map.of(), m.result());
                    all.add(m);
                }
                return all;
            });

            // when: the fuzzer publishes thousands of messages meanwhile
            FleetMessageFuzz fuzz = new FleetMessageFuzz(13, AGENT, () -> List.copyOf(seenJobIds));
            for (int i = 0; i < FUZZ_MESSAGES; i++) {
                FleetMessageFuzz.Publish p = fuzz.next();
                fuzzer.client.publish(p.topic(), p.payload(), i % 2, false).waitForCompletion(10_000);
            }
            List<Dispatcher.Measured> results = measured.get(3, TimeUnit.MINUTES);
            run.shutdown();

            // then: every job was measured by the real agent and only its results are stored
            assertThat(results).hasSize(JOBS).allSatisfy(m -> {
                assertThat(m.agentId()).isEqualTo(AGENT);
                assertThat(m.result().latency().medianMs()).isNotEqualTo(FleetMessageFuzz.FORGED_MEDIAN_MS);
            });
            assertThat(parts.store().run("fuzz-run").orElseThrow().measurements()).isEqualTo(JOBS);
            assertThat(parts.fleet().all()).extracting(FleetRegistry.Agent::id).containsExactly(AGENT);
            assertThat(parts.metrics().scrape()).containsPattern("sigmaquant_untrusted_messages_total\\{reason=\""
                    + "(unreadable|spoofed-agent-id|foreign-agent|unknown-job)\"} [1-9]");
            // and the controller still takes a valid job afterwards
            Dispatcher.Measured after = parts.dispatcher().measure(CLASS, Jobs.job("after-fuzz", "http://127.0.0.1:1/"
                    + "models/" + "c".repeat(64), "c".repeat(64), 1000, Jobs.inAMinute(), List.of()),
                    new JobPolicy(Duration.ofSeconds(30), 1, Duration.ofSeconds(30)));
            assertThat(after.agentId()).isEqualTo(AGENT);
        } finally {
            answers.shutdownNow();
        }
    }

    /** Announces itself online and answers every job with a result, a little after the job arrives. */
    private MqttRecorder simulatedAgent(String brokerUrl, ExecutorService answers) throws Exception {
        MqttRecorder[] self = new MqttRecorder[1];
        self[0] = new MqttRecorder(brokerUrl, AGENT, true, 0, m -> {
            MeasurementJob job = codec.decode(m.payload(), MeasurementJob.class);
            answers.submit(() -> {
                Thread.sleep(150); // forged answers to the same job get there first
                self[0].client.publish(Topics.results(AGENT), codec.encode(Results.result(AGENT, job.jobId(),
                        job.attempt())), 1, false).waitForCompletion(10_000);
                return null;
            });
        });
        self[0].subscribe(Topics.jobs(AGENT));
        self[0].client.publish(Topics.status(AGENT), codec.encode(new AgentStatus(Messages.SCHEMA_VERSION, null, "s",
                AGENT, AgentStatus.ONLINE, CLASS, new AgentStatus.Capabilities("amd64", "Linux", 4, 4096, "1.23.2",
                List.of("CPU"), "estimate", false, "simulated"), System.currentTimeMillis())), 1, true)
                .waitForCompletion(10_000);
        return self[0];
    }
}
