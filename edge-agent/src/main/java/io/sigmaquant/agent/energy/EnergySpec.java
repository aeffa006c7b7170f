package io.sigmaquant.agent.energy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which energy meter an agent uses, parsed once from {@code auto}, {@code rapl}, {@code jetson-ina3221},
 * {@code rpi5-pmic}, {@code nvml}, {@code mqtt-plug:TOPIC} or {@code estimate}.
 *
 * @param plugTopic the smart plug's MQTT topic for {@link Meter#MQTT_PLUG}, else null
 */
public record EnergySpec(Meter meter, String plugTopic) {
    /** The meters by the name a user gives. */
    public enum Meter {
        AUTO("auto"), RAPL("rapl"), JETSON_INA3221("jetson-ina3221"), RPI5_PMIC("rpi5-pmic"), NVML("nvml"),
        MQTT_PLUG("mqtt-plug"), ESTIMATE("estimate");

        private final String id;

        Meter(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private static final String PLUG_PREFIX = "mqtt-plug:";

    public EnergySpec {
        if ((meter == Meter.MQTT_PLUG) != (plugTopic != null) || plugTopic != null && plugTopic.isBlank()) {
            throw new IllegalArgumentException("mqtt-plug needs its topic (mqtt-plug:TOPIC); other meters take none");
        }
    }

    /** @throws IllegalArgumentException naming the meters there are */
    public static EnergySpec parse(String spec) {
        if (spec.startsWith(PLUG_PREFIX)) {
            return new EnergySpec(Meter.MQTT_PLUG, spec.substring(PLUG_PREFIX.length()));
        }
        return Arrays.stream(Meter.values()).filter(m -> m != Meter.MQTT_PLUG && m.id.equals(spec)).findFirst()
                .map(m -> new EnergySpec(m, null))
                .orElseThrow(() -> new IllegalArgumentException("unknown energy meter '" + spec + "'; use "
                        + Arrays.stream(Meter.values()).map(m -> m == Meter.MQTT_PLUG ? PLUG_PREFIX + "TOPIC" : m.id)
                        .collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return meter == Meter.MQTT_PLUG ? PLUG_PREFIX + plugTopic : meter.id;
    }
}
