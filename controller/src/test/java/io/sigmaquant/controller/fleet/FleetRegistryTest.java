package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies that only an online agent is offered jobs: unavailable (since 1.2) counts as not online. */
class FleetRegistryTest {
    private static final AgentStatus.Capabilities CAPS = new AgentStatus.Capabilities("amd64", "Linux", 2, 1024,
            "1.23.2", List.of(), "estimate", false, "0.1.0");

    private static AgentStatus status(String state, String reason) {
        boolean online = AgentStatus.ONLINE.equals(state);
        return new AgentStatus(Messages.SCHEMA_VERSION, null, "c", "a1", state, online ? "x86-64-generic" : null,
                online ? CAPS : null, 1, reason);
    }

    @Test
    void online_agentThatBecameUnavailable_isNotOfferedUntilOnlineAgain() {
        FleetRegistry fleet = new FleetRegistry();
        fleet.update(status(AgentStatus.ONLINE, null));
        assertThat(fleet.online("x86-64-generic")).extracting(FleetRegistry.Agent::id).containsExactly("a1");
        fleet.update(status(AgentStatus.UNAVAILABLE, "the measuring worker cannot start"));
        assertThat(fleet.online("x86-64-generic")).isEmpty();
        fleet.update(status(AgentStatus.ONLINE, null));
        assertThat(fleet.online("x86-64-generic")).hasSize(1);
    }
}
