package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Verifies that injected faults fall at even intervals inside the window, none at either end. */
class AgentFaultsTest {
    @Test
    void at_fourFaultsOverTenSeconds_everyTwoSeconds() {
        assertThat(AgentFaults.at(1000, 11_000, 1, 4)).isEqualTo(3000);
        assertThat(AgentFaults.at(1000, 11_000, 4, 4)).isEqualTo(9000);
    }

    @Test
    void at_oneFault_isMidWindow() {
        assertThat(AgentFaults.at(0, 600_000, 1, 1)).isEqualTo(300_000);
    }
}
