package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Verifies that only an online agent is offered jobs: unavailable (since 1.2) counts as not online, and so does an
 * agent whose heartbeat (since 1.5) stopped; that listeners hear of each agent lost once, as it happens.
 */
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

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final FleetRegistry clocked = new FleetRegistry(nowMs::get);
    private final List<String> lost = new CopyOnWriteArrayList<>();

    {
        clocked.addListener((id, why) -> lost.add(id + " " + why.reason()));
    }

    @Test
    void update_onlineAgentsLastWill_tellsListenersOnce() {
        clocked.update(status(AgentStatus.ONLINE, null));

        clocked.update(status(AgentStatus.OFFLINE, null));
        clocked.update(status(AgentStatus.OFFLINE, null)); // the retained Last Will again: no news

        assertThat(lost).containsExactly("a1 agent-offline");
    }

    @Test
    void update_onlineAgentUnavailable_tellsListenersWhy() {
        clocked.update(status(AgentStatus.ONLINE, null));

        clocked.update(status(AgentStatus.UNAVAILABLE, "worker cannot start"));

        assertThat(lost).containsExactly("a1 agent-unavailable");
    }

    @Test
    void sweepStale_threeHeartbeatsMissed_agentIsStaleUntilHeardAgain() {
        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 1));

        nowMs.addAndGet(3 * 2_000); // exactly three periods: not yet
        assertThat(clocked.sweepStale()).isZero();
        nowMs.addAndGet(1);
        assertThat(clocked.sweepStale()).isEqualTo(1);
        assertThat(clocked.sweepStale()).isZero(); // told once

        assertThat(lost).containsExactly("a1 agent-stale");
        assertThat(clocked.online("x86-64-generic")).isEmpty();
        assertThat(clocked.agent("a1")).hasValueSatisfying(a -> {
            assertThat(a.online()).isTrue();
            assertThat(a.stale()).isTrue();
        });

        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 2)); // it resumed
        assertThat(clocked.online("x86-64-generic")).extracting(FleetRegistry.Agent::id).containsExactly("a1");
    }

    @Test
    void lossOf_eachState_saysWhyTheAgentTakesNoJobs() {
        assertThat(clocked.lossOf("a1")).isNull(); // never seen
        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 1));
        assertThat(clocked.lossOf("a1")).isNull();

        clocked.update(status(AgentStatus.UNAVAILABLE, "stuck"));
        assertThat(clocked.lossOf("a1")).isEqualTo(AgentLoss.UNAVAILABLE);

        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 2));
        nowMs.addAndGet(7_000);
        clocked.sweepStale();
        assertThat(clocked.lossOf("a1")).isEqualTo(AgentLoss.STALE);

        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 3));
        clocked.update(status(AgentStatus.OFFLINE, null));
        assertThat(clocked.lossOf("a1")).isEqualTo(AgentLoss.OFFLINE);
    }

    @Test
    void excuseSilence_controllerCutOff_agentsGetThreeMorePeriods() {
        clocked.update(status(AgentStatus.ONLINE, null).beat(2, 1));
        nowMs.addAndGet(5_000);

        clocked.excuseSilence(); // the controller's session was down: nobody could be heard
        nowMs.addAndGet(5_000);
        assertThat(clocked.sweepStale()).isZero();
        nowMs.addAndGet(1_001);
        assertThat(clocked.sweepStale()).isEqualTo(1);
        assertThat(lost).containsExactly("a1 agent-stale");
    }

    @Test
    void sweepStale_agentWithoutHeartbeat_isNeverStale() {
        clocked.update(status(AgentStatus.ONLINE, null)); // protocol 1.4: Last Will only

        nowMs.addAndGet(3_600_000);

        assertThat(clocked.sweepStale()).isZero();
        assertThat(clocked.online("x86-64-generic")).hasSize(1);
    }
}
