package io.sigmaquant.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingVariablesTest {
    @Test
    void name_kebabCaseOption_isPrefixedUpperSnakeCase() {
        assertThat(SettingVariables.name("--broker")).isEqualTo("SIGMAQUANT_BROKER");
        assertThat(SettingVariables.name("--ort-native-path")).isEqualTo("SIGMAQUANT_ORT_NATIVE_PATH");
        assertThat(SettingVariables.name("--wait-for-agent-s")).isEqualTo("SIGMAQUANT_WAIT_FOR_AGENT_S");
    }

    @Test
    void name_shortOrMalformedOption_isRefused() {
        assertThatThrownBy(() -> SettingVariables.name("-h")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-h");
        assertThatThrownBy(() -> SettingVariables.name("--Broker")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lookup_setVariable_isFound() {
        Map<String, String> env = Map.of("SIGMAQUANT_HTTP_PORT", "9090");

        assertThat(SettingVariables.lookup("--http-port", env::get)).contains("9090");
        assertThat(SettingVariables.lookup("--mqtt-port", env::get)).isEmpty();
    }

    @Test
    void lookup_emptyVariable_countsAsUnset() {
        Map<String, String> env = Map.of("SIGMAQUANT_BROKER", "");

        assertThat(SettingVariables.lookup("--broker", env::get)).isEmpty();
    }
}
