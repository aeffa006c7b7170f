package io.sigmaquant.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.AgentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies that the status heartbeat defaults to 2 s (stale within 6 s), may be turned off, and is checked. */
class HeartbeatOptionTest {
    private static AgentOptions options() {
        return new AgentOptions("tcp://b:1883", "a-1", "x86-64-generic");
    }

    @Test
    void heartbeat_notGiven_isTheDefault() {
        assertThat(options().heartbeatSeconds()).isEqualTo(AgentOptions.DEFAULT_HEARTBEAT_SECONDS).isEqualTo(2);
    }

    @Test
    void heartbeat_copied_keepsItsValue() {
        assertThat(new AgentOptions(options().setHeartbeatSeconds(0)).heartbeatSeconds()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3601})
    void setHeartbeatSeconds_outOfRange_isRefused(int seconds) {
        assertThatThrownBy(() -> options().setHeartbeatSeconds(seconds)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--heartbeat-s");
    }
}
