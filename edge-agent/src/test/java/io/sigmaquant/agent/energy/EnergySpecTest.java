package io.sigmaquant.agent.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnergySpecTest {
    @Test
    void parse_mqttPlugWithTopic_keepsTheTopic() {
        EnergySpec spec = EnergySpec.parse("mqtt-plug:tele/plug-3/SENSOR");
        assertThat(spec.meter()).isEqualTo(EnergySpec.Meter.MQTT_PLUG);
        assertThat(spec.plugTopic()).isEqualTo("tele/plug-3/SENSOR");
        assertThat(spec).hasToString("mqtt-plug:tele/plug-3/SENSOR");
    }

    @Test
    void parse_namedMeter_hasNoTopic() {
        EnergySpec spec = EnergySpec.parse("jetson-ina3221");
        assertThat(spec.meter()).isEqualTo(EnergySpec.Meter.JETSON_INA3221);
        assertThat(spec.plugTopic()).isNull();
    }

    @Test
    void parse_unknownOrPlugWithoutTopic_isRefusedNamingTheMeters() {
        assertThatThrownBy(() -> EnergySpec.parse("joulemeter")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown energy meter 'joulemeter'").hasMessageContaining("mqtt-plug:TOPIC");
        assertThatThrownBy(() -> EnergySpec.parse("mqtt-plug:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic");
        assertThatThrownBy(() -> EnergySpec.parse("mqtt-plug")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown");
    }
}
