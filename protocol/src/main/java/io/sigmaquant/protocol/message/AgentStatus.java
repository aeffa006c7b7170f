package io.sigmaquant.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.Require;
import java.util.List;

/**
 * Retained on {@code sq/v1/agents/{id}/status}: capabilities when online; {@code offline} (also the Last
 * Will, sent by the broker when the agent dies); since 1.2 {@code unavailable}: connected but unable to take
 * jobs (its measuring worker cannot start, its queue is stuck), with the reason. Only an online agent is sent
 * jobs.
 *
 * <p>Since 1.5 a connected agent publishes its status again every {@code heartbeatS} seconds, {@code sentAtMs} moved
 * on: an agent whose process hangs with its connection open stops doing so, and a controller that has heard
 * nothing from it for a few heartbeats stops sending it jobs (the broker's keep-alive is slower to notice).
 *
 * @param reason     since 1.2, optional: why the agent is unavailable (one line)
 * @param heartbeatS since 1.5, optional: the agent republishes this status every so many seconds; absent (older
 *                   agents, or the heartbeat turned off) the controller relies on the Last Will alone
 * @param jobsHeld   since 1.5, optional: jobs queued or measuring on the agent when it was sent, whoever sent them
 *                   (a controller chooses the least loaded agent)
 */
public record AgentStatus(String schemaVersion, String type, String correlationId, String agentId, String state,
                          String deviceClass, Capabilities capabilities, long sentAtMs, String reason,
                          Integer heartbeatS, Integer jobsHeld)
        implements Message {
    /** The longest heartbeat period accepted: an hour. */
    public static final int MAX_HEARTBEAT_S = 3600;
    /** The most jobs an agent may say it holds: far above any queue an agent is given. */
    public static final int MAX_JOBS_HELD = 1_000_000;
    public static final String TYPE = "status";
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    /** Since 1.2: connected, but cannot take jobs now; {@code reason} says why. */
    public static final String UNAVAILABLE = "unavailable";

    @JsonCreator
    public AgentStatus {
        Require.text(schemaVersion, "schemaVersion");
        Require.text(correlationId, "correlationId");
        Require.text(agentId, "agentId");
        if (!ONLINE.equals(state) && !OFFLINE.equals(state) && !UNAVAILABLE.equals(state)) {
            throw new ProtocolException("state", "must be online, offline or unavailable");
        }
        Require.length(reason, "reason");
        if (heartbeatS != null) {
            Require.range(heartbeatS, 1, MAX_HEARTBEAT_S, "heartbeatS");
        }
        if (jobsHeld != null) {
            Require.range(jobsHeld, 0, MAX_JOBS_HELD, "jobsHeld");
        }
        if (ONLINE.equals(state)) {
            Require.text(deviceClass, "deviceClass");
            Require.present(capabilities, "capabilities");
        }
        type = TYPE;
    }

    /** A status without a heartbeat (the 1.2 shape). */
    public AgentStatus(String schemaVersion, String type, String correlationId, String agentId, String state,
                       String deviceClass, Capabilities capabilities, long sentAtMs, String reason) {
        this(schemaVersion, type, correlationId, agentId, state, deviceClass, capabilities, sentAtMs, reason, null,
                null);
    }

    /** The same status as a heartbeat (1.5): sent now, announcing its period. */
    public AgentStatus beat(int periodS, long nowMs) {
        return beat(periodS, nowMs, null);
    }

    /** The same status as a heartbeat (1.5): sent now, announcing its period and the jobs the agent holds. */
    public AgentStatus beat(int periodS, long nowMs, Integer held) {
        return new AgentStatus(schemaVersion, type, correlationId, agentId, state, deviceClass, capabilities, nowMs,
                reason, periodS, held);
    }

    /** A status without a reason (the 1.0 shape). */
    public AgentStatus(String schemaVersion, String type, String correlationId, String agentId, String state,
                       String deviceClass, Capabilities capabilities, long sentAtMs) {
        this(schemaVersion, type, correlationId, agentId, state, deviceClass, capabilities, sentAtMs, null);
    }

    /**
     * What an agent can do and measure.
     *
     * @param executionProviders the providers the agent's ONNX Runtime offers, by ONNX Runtime's names
     *                           ({@code CPU}, {@code CUDA}, {@code TENSOR_RT}, …)
     * @param executionProvider  since 1.3, optional: the one of them it measures with (null when simulated)
     */
    public record Capabilities(String arch, String os, int cores, long memoryMb, String onnxRuntimeVersion,
                               List<String> executionProviders, String energyMeter, boolean simulated,
                               String agentVersion, String executionProvider) {
        @JsonCreator
        public Capabilities {
            Require.text(arch, "capabilities.arch");
            Require.positive(cores, "capabilities.cores");
            Require.text(onnxRuntimeVersion, "capabilities.onnxRuntimeVersion");
            executionProviders = executionProviders == null ? List.of() : List.copyOf(executionProviders);
            Require.text(energyMeter, "capabilities.energyMeter");
            Require.optionalText(executionProvider, "capabilities.executionProvider");
        }

        /** Capabilities without the provider in use (the 1.2 shape). */
        public Capabilities(String arch, String os, int cores, long memoryMb, String onnxRuntimeVersion,
                            List<String> executionProviders, String energyMeter, boolean simulated,
                            String agentVersion) {
            this(arch, os, cores, memoryMb, onnxRuntimeVersion, executionProviders, energyMeter, simulated,
                    agentVersion, null);
        }
    }
}
