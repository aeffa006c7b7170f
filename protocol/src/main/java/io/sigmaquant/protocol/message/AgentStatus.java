package io.sigmaquant.protocol.message;

import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.Require;
import java.util.List;

/**
 * Retained on {@code sq/v1/agents/{id}/status}: capabilities when online; {@code offline} (also the Last
 * Will, sent by the broker when the agent dies).
 */
public record AgentStatus(String schemaVersion, String type, String correlationId, String agentId, String state,
                          String deviceClass, Capabilities capabilities, long sentAtMs) implements Message {
    public static final String TYPE = "status";
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    public AgentStatus {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        if (!ONLINE.equals(state) && !OFFLINE.equals(state)) {
            throw new ProtocolException("state", "must be online or offline");
        }
        if (ONLINE.equals(state)) {
            Require.text(deviceClass, "deviceClass");
            Require.present(capabilities, "capabilities");
        }
        type = TYPE;
    }

    /** What an agent can do and measure. */
    public record Capabilities(String arch, String os, int cores, long memoryMb, String onnxRuntimeVersion,
                               List<String> executionProviders, String energyMeter, boolean simulated,
                               String agentVersion) {
        public Capabilities {
            Require.text(arch, "capabilities.arch");
            Require.positive(cores, "capabilities.cores");
            Require.text(onnxRuntimeVersion, "capabilities.onnxRuntimeVersion");
            executionProviders = executionProviders == null ? List.of() : List.copyOf(executionProviders);
            Require.text(energyMeter, "capabilities.energyMeter");
        }
    }
}
