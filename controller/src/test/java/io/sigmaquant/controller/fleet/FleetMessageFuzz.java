package io.sigmaquant.controller.fleet;

import io.sigmaquant.controller.testing.Results;
import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates what a hostile or broken client could publish where the controller listens: garbage bytes, JSON with
 * fields of random kinds and sizes, well-formed results and progress for real jobs published by the wrong agent
 * or naming another one, statuses naming other agents, messages just under the size cap (above it the broker refuses the packet and
 * cuts the publisher off: FleetSecurityContract shows that). Never a message that a
 * broker ACL alone must stop (a status or result on the real agent's own topic naming it), since no controller
 * can tell those apart.
 */
final class FleetMessageFuzz {
    /** One generated message. */
    record Publish(String topic, byte[] payload) {
    }

    /** Forged results carry this latency (the invented 0.0123 ms), so a stored one would stand out. */
    static final double FORGED_MEDIAN_MS = 0.0123;

    private final Random random;
    private final String realAgent;
    private final Supplier<List<String>> realJobIds;
    private final MessageCodec codec = new MessageCodec();

    FleetMessageFuzz(long seed, String realAgent, Supplier<List<String>> realJobIds) {
        this.random = new Random(seed);
        this.realAgent = realAgent;
        this.realJobIds = realJobIds;
    }

    Publish next() {
        String fuzzAgent = "fuzz-" + random.nextInt(50);
        return switch (random.nextInt(8)) {
            case 0 -> new Publish(Topics.results(fuzzAgent), bytes(random.nextInt(2000)));
            case 1 -> new Publish(Topics.results(fuzzAgent), randomJson());
            case 2 -> new Publish(Topics.results(fuzzAgent), forgedResult(random.nextBoolean() ? realAgent : fuzzAgent));
            case 3 -> new Publish(Topics.results(fuzzAgent), codec.encode(new JobProgress(Messages.SCHEMA_VERSION, null,
                    "c", random.nextBoolean() ? realAgent : fuzzAgent, jobId(), random.nextInt(4), "measuring")));
            case 4 -> new Publish(Topics.status(fuzzAgent), codec.encode(status(random.nextBoolean() ? realAgent
                    : "fuzz-other")));
            case 5 -> new Publish(Topics.status(fuzzAgent), randomJson());
            // a megabyte each: a few, so that the broker's transfer does not make the test slow
            case 6 -> new Publish(Topics.results(fuzzAgent), random.nextInt(20) == 0 ? nearCap() : randomJson());
            default -> new Publish("sq/v1/agents/" + fuzzAgent + "/results", forgedResultWithRandomFields());
        };
    }

    private String jobId() {
        List<String> real = realJobIds.get();
        return real.isEmpty() || random.nextInt(3) == 0 ? "job-" + random.nextInt(1000)
                : real.get(random.nextInt(real.size()));
    }

    private byte[] forgedResult(String namedAgent) {
        JobResult r = Results.result(namedAgent, jobId(), 1 + random.nextInt(3));
        JobResult.Latency l = r.latency();
        return codec.encode(new JobResult(r.schemaVersion(), null, r.correlationId(), r.agentId(), r.jobId(),
                r.attempt(), r.modelSha256(), r.simulated(), new JobResult.Latency(l.runs(), FORGED_MEDIAN_MS,
                FORGED_MEDIAN_MS, FORGED_MEDIAN_MS, FORGED_MEDIAN_MS, 0, 1), r.nodes(), r.energy(), r.peakMemoryBytes(),
                r.before(), r.after(), r.onnxRuntimeVersion(), r.threads()));
    }

    /** A real result's JSON with one field replaced by a value of a random kind. */
    private byte[] forgedResultWithRandomFields() {
        String json = new String(forgedResult(realAgent), StandardCharsets.UTF_8);
        String[] fields = {"attempt", "jobId", "agentId", "schemaVersion", "type", "latency", "nodes", "threads"};
        String field = fields[random.nextInt(fields.length)];
        return json.replaceFirst("\"" + field + "\"\\s*:", "\"" + field + "\":" + randomValue(2) + ",\"_was\":")
                .getBytes(StandardCharsets.UTF_8);
    }

    private AgentStatus status(String namedAgent) {
        return new AgentStatus(Messages.SCHEMA_VERSION, null, "s", namedAgent,
                random.nextBoolean() ? AgentStatus.ONLINE : AgentStatus.OFFLINE, "x86-64-generic",
                new AgentStatus.Capabilities("amd64", "Linux", 4, 4096, "1.23.2", List.of("CPU"), "estimate", false,
                        "fuzz"), System.currentTimeMillis());
    }

    private byte[] randomJson() {
        StringBuilder b = new StringBuilder("{");
        int n = random.nextInt(12);
        String[] names = {"schemaVersion", "type", "agentId", "jobId", "attempt", "latency", "state", "correlationId",
            "deviceClass", "capabilities", "nodes", "x"};
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(names[random.nextInt(names.length)]).append("\":")
                    .append(randomValue(3));
        }
        return b.append(random.nextInt(10) == 0 ? "" : "}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private String randomValue(int depth) {
        return switch (random.nextInt(depth <= 0 ? 6 : 8)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> Double.toString(random.nextGaussian() * 1e300);
            case 2 -> "\"" + "x".repeat(random.nextInt(300)) + "\"";
            case 3 -> random.nextBoolean() ? "true" : "null";
            case 4 -> "\"" + List.of("1.0", "1.2", "9.9", "result", "status", "progress", "online").get(random.nextInt(7))
                    + "\"";
            case 5 -> "-0.5";
            case 6 -> "[" + randomValue(depth - 1) + "," + randomValue(depth - 1) + "]";
            default -> "{\"runs\":" + randomValue(depth - 1) + ",\"medianMs\":" + randomValue(depth - 1) + "}";
        };
    }

    /** Blank-padded JSON that the broker still carries (1 KiB left for the packet's header and topic). */
    private byte[] nearCap() {
        byte[] b = new byte[Limits.MAX_MESSAGE_BYTES - 1024 - random.nextInt(1000)];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[b.length - 1] = '}';
        return b;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
