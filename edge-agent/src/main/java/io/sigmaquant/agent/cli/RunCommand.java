package io.sigmaquant.agent.cli;

import io.sigmaquant.agent.AgentOptions;
import io.sigmaquant.agent.AgentRuntime;
import io.sigmaquant.agent.simulate.SimulationNoise;
import io.sigmaquant.protocol.TlsFileFlags;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sigmaquant-agent run}: serve measurement jobs from a broker until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Connect to the broker and measure jobs until stopped.")
final class RunCommand implements Callable<Integer> {
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Option(names = "--broker", paramLabel = "URL", required = true,
            description = "MQTT v5 broker, e.g. tcp://host:1883, or ssl://host:8883 with a certificate")
    String broker;

    @Option(names = "--id", paramLabel = "ID",
            description = "this agent's id (default: its certificate's CN, which it must equal)")
    String id;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "the installation's CA certificate (PEM); alone, "
            + "it only verifies the broker (for --mqtt-username)")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "this agent's certificate (PEM)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "this agent's private key (PEM)")
    Path tlsKey;

    @Option(names = "--tls-bundle", paramLabel = "FILE",
            description = "CA certificate, certificate and key in one PEM (sigmaquant pki issue --agent ID)")
    Path tlsBundle;

    @Option(names = "--tls-crl", paramLabel = "FILE", description = "the CA's revocation list (PEM)")
    Path tlsCrl;

    @Option(names = "--mqtt-username", paramLabel = "NAME", description = "for brokers that check passwords")
    String mqttUsername;

    @Option(names = "--mqtt-password-file", paramLabel = "FILE",
            description = "file whose first line is the MQTT password (never give a password on the command line)")
    Path mqttPasswordFile;

    @Option(names = "--profile", paramLabel = "ID|FILE", required = true, description = "device profile (board type)")
    String profile;

    // Settings stay null unless given: AgentOptions holds their defaults.
    @Option(names = "--energy", paramLabel = "METER",
            description = "auto (RAPL, Jetson INA3221, Pi 5 PMIC, NVML, else estimate), rapl, jetson-ina3221, "
                    + "rpi5-pmic, nvml, mqtt-plug:TOPIC or estimate (default: " + AgentOptions.DEFAULT_ENERGY + ")")
    String energy;

    @Option(names = "--simulate", description = "answer from the profile's cost model; results say simulated: true")
    boolean simulate;

    @Option(names = "--sim-noise-cv", paramLabel = "CV",
            description = "with --simulate: run-to-run log-normal noise (default: " + SimulationNoise.DEFAULT_CV + ")")
    Double simNoiseCv;

    @Option(names = "--sim-drift", paramLabel = "SIGMA",
            description = "with --simulate: slow multiplicative drift, standard deviation of its log (default: 0, "
                    + "correlation time " + SimulationNoise.DEFAULT_DRIFT_TIME_MS + " simulated ms)")
    Double simDrift;

    @Option(names = "--sim-outliers", paramLabel = "RATE",
            description = "with --simulate: share of runs that are " + SimulationNoise.DEFAULT_OUTLIER_FACTOR
                    + "x slower (default: 0)")
    Double simOutliers;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "model cache (default: ~/.cache/sigmaquant-agent/<id>)")
    Path cacheDir;

    @Option(names = "--cache-size-mib", paramLabel = "MIB",
            description = "cache cap (default: " + (AgentOptions.DEFAULT_CACHE_CAP_BYTES >> 20) + ")")
    Long cacheMib;

    @Option(names = "--max-model-mib", paramLabel = "MIB",
            description = "largest model accepted (default: " + (AgentOptions.DEFAULT_MAX_MODEL_BYTES >> 20) + ")")
    Long maxModelMib;

    @Option(names = "--queue", paramLabel = "N",
            description = "queued jobs (default: " + AgentOptions.DEFAULT_QUEUE_CAPACITY + ")")
    Integer queue;

    @Option(names = "--controller-url", paramLabel = "URL[,URL...]",
            description = "the controller's address, e.g. https://host:8443, or one per controller replica separated "
                    + "by commas: models are downloaded from these origins only (default: loopback origins only)")
    String controllerUrl;

    @Option(names = "--keep-alive-s", paramLabel = "S",
            description = "MQTT keep-alive: the broker marks a hung or unpowered agent offline after 1.5 x S "
                    + "(default: " + AgentOptions.DEFAULT_KEEP_ALIVE_SECONDS + "; each keep-alive costs a 2-byte "
                    + "PINGREQ and PINGRESP)")
    Integer keepAliveSeconds;

    @Option(names = "--heartbeat-s", paramLabel = "S",
            description = "publish the status again every S seconds, so that a controller sees a hung agent within "
                    + "3 x S (default: " + AgentOptions.DEFAULT_HEARTBEAT_SECONDS + "; about 300 bytes/s per agent "
                    + "at 2 s; 0: off)")
    Integer heartbeatSeconds;

    @Option(names = "--measure-in-process",
            description = "measure in the agent's process instead of a worker process it can kill at a job's "
                    + "deadline (for benchmarks of the overhead; a hung native call then wedges the agent)")
    boolean measureInProcess;

    @Mixin
    OrtFlags ort;
    @Option(names = "--worker-launcher", paramLabel = "COMMAND",
            description = "command prefix for the measuring worker, words separated by spaces: e.g. 'taskset -c 3', "
                    + "or 'qemu-aarch64-static -L ROOT' for an arm64 agent run under user-mode emulation (then also "
                    + "give the agent's JVM -Djdk.lang.Process.launchMechanism=FORK; README, arm64 under QEMU)")
    String workerLauncher;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "serve Prometheus metrics on HOST:PORT/metrics (default: off)")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", description = "address of the metrics endpoint; 0.0.0.0 "
            + "in a container (default: " + AgentOptions.DEFAULT_METRICS_HOST + ")")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        TlsFiles tls = TlsFileFlags.resolve(tlsCa, tlsCert, tlsKey, tlsBundle, tlsCrl);
        if (id == null && (tls == null || !tls.hasCertificate())) {
            throw new IllegalArgumentException("--id is required without a certificate");
        }
        String agentId = id != null ? id : TlsMaterial.load(tls).identity().name();
        AgentOptions options = new AgentOptions(broker, agentId, profile).setSimulate(simulate).setCacheDir(cacheDir)
                .setTls(tls).setMqttCredentials(mqttUsername, mqttPasswordFile);
        if (energy != null) {
            options.setEnergy(energy);
        }
        SimulationNoise.Builder noise = SimulationNoise.builder();
        if (simNoiseCv != null) {
            noise.cv(simNoiseCv);
        }
        if (simDrift != null) {
            noise.drift(simDrift, SimulationNoise.DEFAULT_DRIFT_TIME_MS);
        }
        if (simOutliers != null) {
            noise.outliers(simOutliers, SimulationNoise.DEFAULT_OUTLIER_FACTOR);
        }
        options.setSimulationNoise(noise.build());
        if (cacheMib != null) {
            options.setCacheCapBytes(cacheMib << 20);
        }
        if (maxModelMib != null) {
            options.setMaxModelBytes(maxModelMib << 20);
        }
        if (queue != null) {
            options.setQueueCapacity(queue);
        }
        if (controllerUrl != null) {
            options.setControllerUrl(controllerUrl);
        }
        if (keepAliveSeconds != null) {
            options.setKeepAliveSeconds(keepAliveSeconds);
        }
        if (heartbeatSeconds != null) {
            options.setHeartbeatSeconds(heartbeatSeconds);
        }
        options.setMeasureInProcess(measureInProcess);
        if (ort.provider() != null) {
            options.setExecutionProvider(ort.provider());
        }
        options.setOrtNativePath(ort.ortNativePath);
        if (workerLauncher != null) {
            options.setWorkerLauncher(workerLauncher);
        }
        if (metricsPort != null) {
            options.setMetricsPort(metricsPort);
        }
        if (metricsHost != null) {
            options.setMetricsHost(metricsHost);
        }
        AgentRuntime runtime = AgentRuntime.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runtime.close(); // publishes offline (retained) and leaves cleanly
            } catch (Exception e) {
                // exiting anyway; the broker's Last Will marks the agent offline
            } finally {
                stopped.countDown();
            }
        }, "agent-shutdown"));
        System.err.println("sigmaquant-agent " + agentId + " serving jobs from " + broker + (runtime.metricsPort() > 0
                ? "; metrics on " + options.metricsHost() + ":" + runtime.metricsPort() + "/metrics" : ""));
        stopped.await(); // serve until SIGTERM/SIGINT
        return 0;
    }
}
