package io.sigmaquant.agent.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.io.IOException;

/** Tells an acknowledgement that failed the codec from other bad payloads, which are answered with an error. */
final class AckPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AckPayloads() {
    }

    /** Whether the payload is a JSON object whose {@code type} is {@code result-recorded}. */
    static boolean isAck(byte[] payload) {
        if (payload.length > Limits.MAX_MESSAGE_BYTES) {
            return false;
        }
        try {
            JsonNode tree = JSON.readTree(payload);
            return tree != null && ResultRecorded.TYPE.equals(tree.path("type").asText(null));
        } catch (IOException e) {
            return false;
        }
    }
}
