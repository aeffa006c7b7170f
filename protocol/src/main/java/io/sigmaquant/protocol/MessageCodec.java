package io.sigmaquant.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one JSON codec: bytes in, a validated {@link Message} or a {@link ProtocolException} naming the field
 * out. Unknown extra fields are tolerated (a newer minor version may add them); another major version is
 * refused with {@link UnsupportedVersionException}.
 */
public final class MessageCodec {
    private static final Set<String> TYPES = Set.of(AgentStatus.TYPE, MeasurementJob.TYPE, CancelJob.TYPE,
            JobAccepted.TYPE, JobProgress.TYPE, JobResult.TYPE, JobError.TYPE, ResultRecorded.TYPE);

    /** Strict about kinds ({@link StrictJson}); tolerant of unknown fields, which a newer minor version may add. */
    private final ObjectMapper mapper = StrictJson.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    public byte[] encode(Message message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.type(), e);
        }
    }

    public Message decode(byte[] bytes) {
        if (bytes.length > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException("", "message of " + bytes.length + " bytes exceeds " + Limits.MAX_MESSAGE_BYTES);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new ProtocolException("", "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException("", "a message must be a JSON object");
        }
        String jobId = tree.path("jobId").isTextual() ? tree.get("jobId").asText() : null;
        checkVersion(tree, jobId);
        String type = tree.path("type").asText("");
        if (!TYPES.contains(type)) {
            throw new ProtocolException("type", "unknown message type '" + type + "'; known: "
                    + TYPES.stream().sorted().collect(Collectors.joining(", ")), jobId);
        }
        try {
            return mapper.treeToValue(tree, Message.class);
        } catch (JsonMappingException e) {
            if (rootCause(e) instanceof ProtocolException p) {
                throw new ProtocolException(located(p.field(), path(e)), p.reason(), jobId);
            }
            throw new ProtocolException(path(e), firstLine(e.getOriginalMessage()), jobId);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("", firstLine(e.getOriginalMessage()), jobId);
        }
    }

    /** Decodes and checks the kind, for topics that carry one kind only. */
    public <T extends Message> T decode(byte[] bytes, Class<T> expected) {
        Message m = decode(bytes);
        if (!expected.isInstance(m)) {
            throw new ProtocolException("type", "expected a " + expected.getSimpleName() + " message, got '"
                    + m.type() + "'");
        }
        return expected.cast(m);
    }

    private static void checkVersion(JsonNode tree, String jobId) {
        JsonNode v = tree.get("schemaVersion");
        if (v == null || !v.isTextual()) {
            throw new ProtocolException("schemaVersion", "is required (a string such as \"" + Messages.SCHEMA_VERSION
                    + "\")", jobId);
        }
        String text = v.asText();
        int dot = text.indexOf('.');
        int major;
        try {
            major = Integer.parseInt(dot < 0 ? text : text.substring(0, dot));
        } catch (NumberFormatException e) {
            throw new ProtocolException("schemaVersion", "'" + text + "' is not MAJOR.MINOR", jobId);
        }
        if (major != Messages.MAJOR) {
            throw new UnsupportedVersionException(text, jobId);
        }
    }

    /**
     * A nested record names its fields under the property it usually sits in ({@code model.sha256}); the same
     * record under another property ({@code reference}, a {@code ModelRef} too) is named by where Jackson found
     * it, so the error points at the field that was actually wrong.
     */
    static String located(String field, String at) {
        int dot = field.indexOf('.');
        String where = at.replaceAll("\\[\\d+]", "");
        if (dot < 0 || where.isEmpty()) {
            return field;
        }
        return where + field.substring(dot);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
