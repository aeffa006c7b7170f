package io.sigmaquant.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.AgentStatus;
import org.junit.jupiter.api.Test;

/** Verifies that only the latest status is announced, and that a failed one is retried only while it is the latest. */
class StatusSlotTest {
    private final StatusSlot slot = new StatusSlot();
    // two distinct statuses (offline needs no capabilities); the slot compares by identity
    private final AgentStatus older = status("first");
    private final AgentStatus newer = status("second");

    private static AgentStatus status(String correlationId) {
        return new AgentStatus(Messages.SCHEMA_VERSION, null, correlationId, "a", AgentStatus.OFFLINE, null, null, 0);
    }

    @Test
    void take_afterTwoOffers_givesOnlyTheLatest() {
        slot.offer(older);
        slot.offer(newer);
        assertThat(slot.take()).isSameAs(newer);
        assertThat(slot.take()).isNull();
    }

    @Test
    void failed_latestStatus_isTakenAgain() {
        slot.offer(older);
        AgentStatus sent = slot.take();
        slot.failed(sent);
        assertThat(slot.take()).isSameAs(older);
    }

    @Test
    void failed_statusSupersededWhileInFlight_isNotRetried() {
        // given one status in flight when a newer one is offered
        slot.offer(older);
        AgentStatus inFlight = slot.take();
        slot.offer(newer);
        assertThat(slot.take()).isSameAs(newer);
        // when the older publish fails afterwards
        slot.failed(inFlight);
        // then it is not resurrected over the newer status
        assertThat(slot.take()).isNull();
    }

    @Test
    void reannounce_afterAPublishedStatus_offersItAgain() {
        slot.offer(older);
        slot.take();
        slot.reannounce();
        assertThat(slot.take()).isSameAs(older);
    }
}
