package io.sigmaquant.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.sigmaquant.controller.testing.Results;
import org.junit.jupiter.api.Test;

/** The inbox's decisions on what the broker delivers, without a broker: topic, payload and who says it. */
class FleetInboxTest {
    final FleetRegistry fleet = new FleetRegistry();
    final List<String> untrusted = new CopyOnWriteArrayList<>();
    final JobDispatcher dispatcher = new JobDispatcher(fleet, (a, j) -> { }, (a, c) -> { }, new DispatchListener() {
        @Override
        public void untrusted(Untrusted reason) {
            untrusted.add(reason.label());
        }
    }, new MemoryDispatchLog());
    final FleetInbox inbox = new FleetInbox(fleet, dispatcher);
    final MessageCodec codec = new MessageCodec();

    static AgentStatus online(String agentId) {
        return new AgentStatus(Messages.SCHEMA_VERSION, null, "s", agentId, AgentStatus.ONLINE, "x86-64-generic",
                new AgentStatus.Capabilities("amd64", "Linux", 2, 4096, "1.23.2", List.of("CPU"), "estimate", false,
                        "test"), System.currentTimeMillis());
    }

    @Test
    void arrived_statusOnItsOwnTopic_registersTheAgent() {
        inbox.arrived(Topics.status("agent-a"), codec.encode(online("agent-a")));

        assertThat(fleet.online("x86-64-generic")).extracting(FleetRegistry.Agent::id).containsExactly("agent-a");
        assertThat(untrusted).isEmpty();
    }

    @Test
    void arrived_statusNamingAnotherAgent_isCountedAndNotRegistered() {
        inbox.arrived(Topics.status("evil-1"), codec.encode(online("agent-a")));

        assertThat(fleet.all()).isEmpty();
        assertThat(untrusted).containsExactly("spoofed-agent-id");
    }

    @Test
    void arrived_messageOnTheWrongTopicOrUnreadable_isCounted() {
        inbox.arrived(Topics.results("agent-a"), codec.encode(online("agent-a")));
        inbox.arrived(Topics.status("agent-a"), codec.encode(Results.result("agent-a", "j", 1)));
        inbox.arrived("elsewhere/agent-a", codec.encode(online("agent-a")));
        inbox.arrived(Topics.results("agent-a"), "{\"schemaVersion\": 7".getBytes(StandardCharsets.UTF_8));
        inbox.arrived(Topics.results("agent-a"), new byte[] {(byte) 0xff, 0, 1});

        assertThat(fleet.all()).isEmpty();
        assertThat(untrusted).containsExactly("wrong-topic", "wrong-topic", "wrong-topic", "unreadable", "unreadable");
    }
}
