package io.sigmaquant.agent.cli;

import io.sigmaquant.agent.AgentConfig;
import io.sigmaquant.agent.AgentRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sigmaquant-agent run}: serve measurement jobs from a broker until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Connect to the broker and measure jobs until stopped.")
final class RunCommand implements Callable<Integer> {
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Option(names = "--broker", paramLabel = "URL", required = true, description = "MQTT v5 broker, e.g. tcp://host:1883")
    String broker;

    @Option(names = "--id", paramLabel = "ID", required = true, description = "this agent's id")
    String id;

    @Option(names = "--profile", paramLabel = "ID|FILE", required = true, description = "device profile (board type)")
    String profile;

    @Option(names = "--energy", paramLabel = "METER", defaultValue = "auto",
            description = "auto (RAPL, Jetson INA3221, Pi 5 PMIC, NVML, else estimate), rapl, jetson-ina3221, "
                    + "rpi5-pmic, nvml, mqtt-plug:TOPIC or estimate (default: ${DEFAULT-VALUE})")
    String energy;

    @Option(names = "--simulate", description = "answer from the profile's cost model; results say simulated: true")
    boolean simulate;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "model cache (default: ~/.cache/sigmaquant-agent/<id>)")
    Path cacheDir;

    @Option(names = "--cache-size-mib", paramLabel = "MIB", defaultValue = "512", description = "cache cap (default: ${DEFAULT-VALUE})")
    long cacheMib;

    @Option(names = "--max-model-mib", paramLabel = "MIB", defaultValue = "256",
            description = "largest model accepted (default: ${DEFAULT-VALUE})")
    long maxModelMib;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "32", description = "queued jobs (default: ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = "serve Prometheus metrics on 127.0.0.1:PORT/metrics (default: off)")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        if (queue < 1 || cacheMib < 1 || maxModelMib < 1) {
            throw new IllegalArgumentException("--queue, --cache-size-mib and --max-model-mib must be positive");
        }
        Path cache = cacheDir != null ? cacheDir
                : Path.of(System.getProperty("user.home"), ".cache", "sigmaquant-agent", id);
        AgentRuntime runtime = AgentRuntime.start(new AgentConfig(broker, id, profile, energy, simulate, cache,
                cacheMib << 20, maxModelMib << 20, queue, metricsPort, Path.of("/")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runtime.close(); // publishes offline (retained) and leaves cleanly
            } catch (Exception e) {
                // exiting anyway; the broker's Last Will marks the agent offline
            } finally {
                stopped.countDown();
            }
        }, "agent-shutdown"));
        System.err.println("sigmaquant-agent " + id + " serving jobs from " + broker
                + (runtime.metricsPort() > 0 ? "; metrics on 127.0.0.1:" + runtime.metricsPort() + "/metrics" : ""));
        stopped.await(); // serve until SIGTERM/SIGINT
        return 0;
    }
}
