package io.sigmaquant.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileIdTest {
    @Test
    void fileName_kebabCaseId_isTheYamlFile() {
        assertThat(new ProfileId("jetson-orin-nano").fileName()).isEqualTo("jetson-orin-nano.yaml");
    }

    @Test
    void constructor_badIds_areRefused() {
        for (String bad : new String[] {"Raspberry-Pi", "pi--4", "-pi", "pi_4", "../etc", ""}) {
            assertThatThrownBy(() -> new ProfileId(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("profile id");
        }
    }
}
