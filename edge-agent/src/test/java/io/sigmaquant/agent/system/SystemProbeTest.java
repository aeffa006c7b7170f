package io.sigmaquant.agent.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.agent.testing.Boards;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against a recorded Raspberry Pi 5 tree and its vcgencmd output. */
class SystemProbeTest {
    @Test
    void sample_pi5_readsFrequenciesTemperatureAndThrottling() {
        SystemProbe probe = new SystemProbe(Boards.root("raspberry-pi-5"), Boards.recorded("raspberry-pi-5",
                Map.of(List.of("vcgencmd", "get_throttled"), "vcgencmd_get_throttled.txt")));
        var s = probe.sample();
        assertThat(s.cpuFreqMhz()).containsExactly(2400.0, 2400.0, 2400.0, 2400.0);
        assertThat(s.temperatureC()).isEqualTo(61.45);
        assertThat(s.throttled()).isTrue();
    }

    @Test
    void sample_machineWithoutSensors_leavesValuesEmpty() {
        var s = new SystemProbe(Boards.root("gpu"), Boards.NO_COMMANDS).sample();
        assertThat(s.cpuFreqMhz()).isEmpty();
        assertThat(s.temperatureC()).isNull();
        assertThat(s.throttled()).isNull();
    }
}
