package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.AgentStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Agents by id, from their retained status and Last Will: device class, online or not, when last heard. */
public final class FleetRegistry {
    /**
     * What the registry knows of one agent.
     *
     * @param schemaVersion the protocol version of its last status: what the controller may send it
     */
    public record Agent(String id, String deviceClass, boolean online, long lastSeenMs, AgentStatus.Capabilities capabilities,
                        String schemaVersion) {
    }

    private final Map<String, Agent> agents = new ConcurrentHashMap<>();

    public void update(AgentStatus s) {
        agents.compute(s.agentId(), (id, old) -> {
            boolean online = AgentStatus.ONLINE.equals(s.state());
            String deviceClass = online ? s.deviceClass() : old != null ? old.deviceClass() : null;
            AgentStatus.Capabilities caps = online ? s.capabilities() : old != null ? old.capabilities() : null;
            return new Agent(id, deviceClass, online, System.currentTimeMillis(), caps, s.schemaVersion());
        });
    }

    /** The agent, if it has ever sent a status. */
    public Optional<Agent> agent(String id) {
        return Optional.ofNullable(agents.get(id));
    }

    /** Online agents of a device class, in id order. */
    public List<Agent> online(String deviceClass) {
        return agents.values().stream().filter(a -> a.online() && deviceClass.equals(a.deviceClass()))
                .sorted(Comparator.comparing(Agent::id)).toList();
    }

    public List<Agent> all() {
        return agents.values().stream().sorted(Comparator.comparing(Agent::id)).toList();
    }
}
