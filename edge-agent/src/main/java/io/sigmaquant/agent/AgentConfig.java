package io.sigmaquant.agent;

import java.nio.file.Path;

/**
 * How an agent runs.
 *
 * @param energy      auto, rapl, jetson-ina3221, rpi5-pmic, nvml, mqtt-plug:TOPIC or estimate
 * @param metricsPort port of the Prometheus endpoint, or -1 for none
 */
public record AgentConfig(String brokerUrl, String agentId, String profile, String energy, boolean simulate,
                          Path cacheDir, long cacheCapBytes, long maxModelBytes, int queueCapacity, int metricsPort,
                          Path sysfsRoot) {
}
