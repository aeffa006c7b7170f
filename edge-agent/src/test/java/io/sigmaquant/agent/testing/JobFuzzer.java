package io.sigmaquant.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generates job-topic messages from a seed: valid jobs with one to three fields replaced by values of random
 * types and sizes, cancels, other message kinds, raw bytes, JSON garbage, deep nesting and huge strings. Every
 * message that carries a job id carries a fresh one ({@code fz-<n>}), so its replies can be counted.
 */
public final class JobFuzzer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] JOB_FIELDS = {"schemaVersion", "type", "correlationId", "jobId", "attempt",
        "model", "model.url", "model.sha256", "model.sizeBytes", "input", "input.name", "input.shape",
        "input.shape.0", "input.scale", "input.std", "settings", "settings.threads", "settings.warmupRuns",
        "settings.minRuns", "settings.minDurationMs", "settings.maxDurationMs", "settings.ciHalfWidth",
        "settings.profileNodes", "deadlineMs", "workload", "reference", "extra"};

    private final Random random;
    private final MessageCodec codec = new MessageCodec();
    /** A model URL that fails fast: a loopback port nothing listens on, so no fuzzed job measures for long. */
    private final String deadUrl;

    public JobFuzzer(long seed, String deadUrl) {
        this.random = new Random(seed);
        this.deadUrl = deadUrl;
    }

    public byte[] next(int n) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            return bytes(mutate(job(n), 1 + random.nextInt(3)));
        } else if (kind < 70) {
            ObjectNode cancel = JSON.valueToTree(new CancelJob(Messages.SCHEMA_VERSION, null, "c-" + n, "fz-" + n));
            return bytes(random.nextBoolean() ? cancel : mutate(cancel, 1));
        } else if (kind < 78) {
            return raw();
        } else if (kind < 86) {
            return bytes(value(0));
        } else if (kind < 92) {
            return deep(1 + random.nextInt(3000));
        } else if (kind < 97) {
            ObjectNode job = job(n);
            job.put(random.nextBoolean() ? "correlationId" : "type", "x".repeat(4000 + random.nextInt(60_000)));
            return bytes(job);
        }
        return bytes(job(n)); // a valid job that fails fast at the download
    }

    private ObjectNode job(int n) {
        MeasurementJob j = new MeasurementJob(Messages.SCHEMA_VERSION, null, "corr-" + n, "fz-" + n, 1,
                new MeasurementJob.ModelRef(deadUrl + n, "ab".repeat(32), 1000),
                new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                new MeasurementJob.Settings(1, 1, 5, 10, false), System.currentTimeMillis() + 30_000, List.of());
        return (ObjectNode) readTree(codec.encode(j));
    }

    private static JsonNode readTree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode mutate(ObjectNode message, int times) {
        for (int i = 0; i < times; i++) {
            String[] path = JOB_FIELDS[random.nextInt(JOB_FIELDS.length)].split("\\.");
            JsonNode parent = message;
            for (int p = 0; p < path.length - 1 && parent != null; p++) {
                parent = parent.get(path[p]);
            }
            String last = path[path.length - 1];
            if (parent instanceof ObjectNode o) {
                if (random.nextInt(5) == 0) {
                    o.remove(last);
                } else {
                    o.set(last, value(0));
                }
            } else if (parent instanceof ArrayNode a && a.size() > 0) {
                a.set(0, value(0));
            }
        }
        if (message.path("jobId").isTextual() && !message.get("jobId").asText().startsWith("fz-")) {
            message.remove("jobId"); // a mutated id could repeat another message's; the counts need fresh ones
        }
        return message;
    }

    /** A random JSON value: numbers at and past every limit, strings of every size, nested containers. */
    private JsonNode value(int depth) {
        return switch (random.nextInt(depth > 3 ? 9 : 11)) {
            case 0 -> F.numberNode(random.nextInt());
            case 1 -> F.numberNode(random.nextLong());
            case 2 -> F.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(30)) - 1);
            case 3 -> F.numberNode(new int[] {0, -1, 1, 2, 255, 256, 100_000, Integer.MAX_VALUE}[random.nextInt(8)]);
            case 4 -> F.numberNode(1.5);
            case 5 -> F.textNode("x".repeat(random.nextInt(random.nextBoolean() ? 10 : 10_000)));
            case 6 -> F.booleanNode(random.nextBoolean());
            case 7 -> F.nullNode();
            case 8 -> F.textNode(new String[] {"", "1.2", "9.0", "job", "cancel", "result", "http://10.0.0.1/m",
                "http://127.0.0.1:1/../api/runs", "NaN"}[random.nextInt(9)]);
            case 9 -> {
                ArrayNode a = F.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    a.add(value(depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    o.set(JOB_FIELDS[random.nextInt(JOB_FIELDS.length)], value(depth + 1));
                }
                yield o;
            }
        };
    }

    private byte[] raw() {
        byte[] b = new byte[random.nextInt(300)];
        random.nextBytes(b);
        return b;
    }

    private byte[] deep(int depth) {
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
