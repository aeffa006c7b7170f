package io.sigmaquant.agent.energy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The latest power reading of a smart plug published over MQTT: Tasmota ({@code tele/<plug>/SENSOR} with
 * {@code {"ENERGY":{"Power":4.5}}}), Shelly Gen2 ({@code {"apower":4.5}}), or a bare number of watts.
 * The MQTT connection feeds {@link #accept}; the meter samples {@link #watts}.
 */
public final class MqttPlugPower implements PowerSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile double watts = Double.NaN;

    /** Parses one plug message; returns false (and keeps the last value) when it holds no power reading. */
    public boolean accept(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8).strip();
        try {
            JsonNode n = JSON.readTree(text);
            JsonNode power = n == null ? null
                    : n.isNumber() ? n
                    : n.path("ENERGY").path("Power").isNumber() ? n.path("ENERGY").path("Power")
                    : n.path("apower").isNumber() ? n.get("apower")
                    : n.path("power").isNumber() ? n.get("power") : null;
            if (power == null) {
                return false;
            }
            watts = power.asDouble();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public double watts() {
        if (Double.isNaN(watts)) {
            throw new IllegalStateException("no power reading from the smart plug yet");
        }
        return watts;
    }
}
