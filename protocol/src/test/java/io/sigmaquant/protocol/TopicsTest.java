package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void agentTopics_validId_followTheTopicTree() {
        assertThat(Topics.status("pi4-lab-01")).isEqualTo("sq/v1/agents/pi4-lab-01/status");
        assertThat(Topics.jobs("pi4-lab-01")).isEqualTo("sq/v1/agents/pi4-lab-01/jobs");
        assertThat(Topics.results("pi4-lab-01")).isEqualTo("sq/v1/agents/pi4-lab-01/results");
    }

    @Test
    void agentIdOf_roundTripsEveryAgentTopic() {
        assertThat(Topics.agentIdOf(Topics.results("jetson.7"))).isEqualTo("jetson.7");
        assertThat(Topics.agentIdOf(Topics.status("x86_a"))).isEqualTo("x86_a");
    }

    @Test
    void agentTopics_wildcardOrSeparatorInId_isRefused() {
        for (String bad : new String[] {"a/b", "+", "#", "", "$share"}) {
            assertThatThrownBy(() -> Topics.jobs(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("agentId");
        }
    }

    @Test
    void sharedResultsFilter_usesTheControllersGroup() {
        assertThat(Topics.sharedResultsFilter()).isEqualTo("$share/sigmaquant-controllers/sq/v1/agents/+/results");
    }
}
