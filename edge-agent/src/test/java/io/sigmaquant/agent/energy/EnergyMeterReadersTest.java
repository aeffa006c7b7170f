package io.sigmaquant.agent.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sigmaquant.agent.testing.Boards;
import io.sigmaquant.profiles.DeviceProfiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each energy reader against recorded sysfs trees and command outputs of real boards (fakes stand in for
 * hardware this machine does not have).
 */
class EnergyMeterReadersTest {
    private static final Map<List<String>, String> PI5 = Map.of(
            CommandPowerSources.PMIC_COMMAND, "vcgencmd_pmic_read_adc.txt",
            List.of("vcgencmd", "get_throttled"), "vcgencmd_get_throttled.txt");

    @TempDir
    Path tmp;

    @Test
    void rapl_countsPackagesOnlyAndHandlesWrap() throws Exception {
        Path root = tmp.resolve("x86");
        copyTree(Boards.root("x86-rapl"), root);
        Path zones = root.resolve("sys/class/powercap");
        assertThat(RaplEnergyMeter.packageZones(zones)).extracting(p -> p.getFileName().toString())
                .containsExactly("intel-rapl:0", "intel-rapl:1");
        EnergyMeter meter = EnergyMeters.select(EnergySpec.parse("rapl"), root, Boards.NO_COMMANDS,
                DeviceProfiles.load("x86-64-generic"), null);
        EnergyMeter.Window w = meter.start();
        // package 0 wraps: 262143000000 → 328850 + 1000000 µJ past max_energy_range_uj 262143328850
        Files.writeString(zones.resolve("intel-rapl:0/energy_uj"), "1000000");
        Files.writeString(zones.resolve("intel-rapl:1/energy_uj"), "7500000"); // +2.5 J
        assertThat(w.stopJoules()).isCloseTo((328_850 + 1_000_000 + 2_500_000) / 1e6, within(1e-9));
        assertThat(meter.id()).isEqualTo("rapl");
        assertThat(meter.estimated()).isFalse();
    }

    @Test
    void jetsonHwmon_readsTheVddInRail() {
        PowerSource orin = JetsonIna3221.find(Boards.root("jetson-orin-nano")).orElseThrow();
        assertThat(orin.watts()).isCloseTo(5.064 * 1.432, within(1e-9));
    }

    @Test
    void jetsonIio_readsThePom5vInRail() {
        PowerSource nano = JetsonIna3221.find(Boards.root("jetson-nano")).orElseThrow();
        assertThat(nano.watts()).isCloseTo(2.968, within(1e-9));
    }

    @Test
    void pi5Pmic_sumsVoltageTimesCurrentOverRails() throws Exception {
        String out = Boards.recorded("raspberry-pi-5", PI5).run(CommandPowerSources.PMIC_COMMAND);
        // Σ I·V over the 12 rails with both readings, computed separately from the recorded output
        assertThat(CommandPowerSources.parsePmic(out)).isCloseTo(2.09438, within(1e-5));
        assertThatThrownBy(() -> CommandPowerSources.parsePmic("error=1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nvidiaSmi_sumsEveryGpu() throws Exception {
        String out = Files.readString(Boards.root("gpu").resolve("commands/nvidia-smi_power.txt"));
        assertThat(CommandPowerSources.parseNvidiaSmi(out)).isCloseTo(114.58, within(1e-9));
    }

    @Test
    void mqttPlug_readsTasmotaShellyAndPlainNumbers() {
        MqttPlugPower plug = new MqttPlugPower();
        assertThatThrownBy(plug::watts).isInstanceOf(IllegalStateException.class);
        assertThat(plug.accept(utf8("{\"Time\":\"2026-11-27T10:00:00\",\"ENERGY\":{\"Total\":0.12,\"Power\":6.4}}"))).isTrue();
        assertThat(plug.watts()).isEqualTo(6.4);
        assertThat(plug.accept(utf8("{\"id\":0,\"apower\":5.1,\"voltage\":229.8}"))).isTrue();
        assertThat(plug.watts()).isEqualTo(5.1);
        assertThat(plug.accept(utf8("7.25"))).isTrue();
        assertThat(plug.watts()).isEqualTo(7.25);
        assertThat(plug.accept(utf8("{\"POWER\":\"ON\"}"))).isFalse();
        assertThat(plug.watts()).isEqualTo(7.25);
    }

    @Test
    void autoDetection_followsTheDocumentedOrder() {
        var profile = DeviceProfiles.load("raspberry-pi-5");
        assertThat(EnergyMeters.select(EnergySpec.parse("auto"), Boards.root("x86-rapl"), Boards.NO_COMMANDS, profile, null).id())
                .isEqualTo("rapl");
        assertThat(EnergyMeters.select(EnergySpec.parse("auto"), Boards.root("jetson-orin-nano"), Boards.NO_COMMANDS, profile,
                null).id())
                .isEqualTo("jetson-ina3221");
        assertThat(EnergyMeters.select(EnergySpec.parse("auto"), Boards.root("raspberry-pi-5"), Boards.recorded("raspberry-pi-5", PI5),
                profile, null).id()).isEqualTo("rpi5-pmic");
        EnergyMeter fallback = EnergyMeters.select(EnergySpec.parse("auto"), tmp, Boards.NO_COMMANDS, profile, null);
        assertThat(fallback.id()).isEqualTo("estimate");
        assertThat(fallback.estimated()).isTrue();
    }

    @Test
    void explicitMeterThatIsAbsent_isRefusedWithTheReason() {
        var profile = DeviceProfiles.load("raspberry-pi-5");
        assertThatThrownBy(() -> EnergyMeters.select(EnergySpec.parse("rapl"), tmp, Boards.NO_COMMANDS, profile, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("energy_uj");
        assertThatThrownBy(() -> EnergyMeters.select(EnergySpec.parse("joulemeter"), tmp, Boards.NO_COMMANDS, profile, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
    }

    @Test
    void sampledMeter_integratesConstantPowerOverTheWindow() throws Exception {
        EnergyMeter meter = new SampledEnergyMeter("test", () -> 2.0, 5);
        long start = System.nanoTime();
        EnergyMeter.Window w = meter.start();
        Thread.sleep(100);
        double joules = w.stopJoules();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(joules).isCloseTo(2.0 * seconds, within(2.0 * 0.02));
    }

    @Test
    void estimate_chargesCpuTimeAtTheProfilesPower() {
        EnergyMeter meter = new EstimatedEnergyMeter(3.0);
        EnergyMeter.Window w = meter.start();
        double x = 0;
        for (int i = 0; i < 20_000_000; i++) {
            x += Math.sqrt(i);
        }
        assertThat(x).isPositive();
        assertThat(w.stopJoules()).isPositive();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
