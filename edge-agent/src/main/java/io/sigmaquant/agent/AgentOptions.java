package io.sigmaquant.agent;

import io.sigmaquant.agent.energy.EnergySpec;
import io.sigmaquant.agent.fetch.ModelOrigins;
import io.sigmaquant.agent.measure.OrtNatives;
import io.sigmaquant.agent.simulate.SimulationNoise;
import io.sigmaquant.profiles.ExecutionProvider;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.tls.Identity;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How an agent runs, in the shape of Vert.x's {@code *Options}: the defaults live here as {@code DEFAULT_*}
 * constants, setters are fluent and check their value, and the command line sets only what it was given.
 */
public final class AgentOptions {
    public static final String DEFAULT_ENERGY = "auto";
    public static final long DEFAULT_CACHE_CAP_BYTES = 512L << 20;
    public static final long DEFAULT_MAX_MODEL_BYTES = 256L << 20;
    /** Jobs queued behind the one being measured; more are refused with a busy error. */
    public static final int DEFAULT_QUEUE_CAPACITY = 32;
    /**
     * A result not yet acknowledged by a controller ({@code result-recorded}) is published again this often: a few
     * times within a controller replica's run lease (15 s), so a result lost with a dying replica reaches another.
     */
    public static final long DEFAULT_RESULT_RESEND_MS = 10_000;
    /** Then no longer resent: the broker's session expiry for the agent, after which its queued jobs are gone too. */
    public static final long DEFAULT_RESULT_GIVE_UP_MS = 3_600_000;
    /** Unacknowledged results kept at most (a result is a few kB: a few MB at most); the oldest is dropped. */
    public static final int DEFAULT_MAX_UNACKNOWLEDGED_RESULTS = 1_000;
    /** No metrics endpoint. */
    public static final int DEFAULT_METRICS_PORT = -1;
    /** Loopback: the metrics say what runs where, so exposing them is a choice (0.0.0.0 in the image). */
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";
    public static final Path DEFAULT_SYSFS_ROOT = Path.of("/");
    /** The official ONNX Runtime jar has only this one; a GPU provider needs ONNX Runtime's own build. */
    public static final String DEFAULT_EXECUTION_PROVIDER_ID = "cpu"; // a constant: help texts quote it
    public static final ExecutionProvider DEFAULT_EXECUTION_PROVIDER = ExecutionProvider.of(DEFAULT_EXECUTION_PROVIDER_ID);
    /** The worker's java binary runs directly. */
    public static final List<String> DEFAULT_WORKER_LAUNCHER = List.of();
    /**
     * MQTT keep-alive: a broker drops a client it has heard nothing from for 1.5 × this (MQTT 5, 3.1.2.10) and
     * publishes its Last Will, so a hung agent or a board without power is seen offline within 6 s (plus the
     * broker's check period: Mosquitto 2.0 looks every 5 to 6 s, so 9 to 10 s were measured there). The cost: an
     * idle agent sends a PINGREQ and gets a PINGRESP (2 bytes each, about 110 bytes with TCP/IP headers and the
     * ACKs) every 4 s, about 30 bytes/s per agent.
     */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 4;
    /**
     * The status heartbeat (protocol 1.5): a connected agent publishes its retained status again every so many
     * seconds, and a controller that hears nothing for 3 periods (6 s) treats it as hung and moves its job, which
     * the broker's keep-alive does only after 9 to 10 s (Mosquitto 2.0). The cost: one QoS 1 PUBLISH of about 460
     * bytes (a simulated x86-64 agent's status JSON measured 415 bytes, plus topic and header) and its 4-byte PUBACK
     * every 2 s, about 300 bytes/s per agent with TCP/IP headers (computed, not captured), and the same again from
     * the broker to each controller replica. 0 turns it off (the Last Will and the keep-alive alone).
     */
    public static final int DEFAULT_HEARTBEAT_SECONDS = 2;
    /** MQTT's keep-alive is a two-byte field; 0 (off) would leave a hung agent online forever, so it is refused. */
    public static final int MAX_KEEP_ALIVE_SECONDS = 65_535;

    private final String brokerUrl;
    private final String agentId;
    private final String profile;
    private EnergySpec energy = EnergySpec.parse(DEFAULT_ENERGY);
    private boolean simulate;
    private Path cacheDir;
    private long cacheCapBytes = DEFAULT_CACHE_CAP_BYTES;
    private long maxModelBytes = DEFAULT_MAX_MODEL_BYTES;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private long resultResendMs = DEFAULT_RESULT_RESEND_MS;
    private int metricsPort = DEFAULT_METRICS_PORT;
    private String metricsHost = DEFAULT_METRICS_HOST;
    private Path sysfsRoot = DEFAULT_SYSFS_ROOT;
    private SimulationNoise simulationNoise = SimulationNoise.DEFAULT;
    private TlsFiles tls;
    private String mqttUsername;
    private Path mqttPasswordFile;
    private ModelOrigins modelOrigins = ModelOrigins.LOOPBACK;
    private boolean measureInProcess;
    private ExecutionProvider executionProvider = DEFAULT_EXECUTION_PROVIDER;
    /** Null: ONNX Runtime's libraries from its jar. */
    private Path ortNativePath;
    private List<String> workerLauncher = DEFAULT_WORKER_LAUNCHER;
    private int keepAliveSeconds = DEFAULT_KEEP_ALIVE_SECONDS;
    private int heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS;
    /** Null: nobody counts the replies. */
    private Consumer<Message> publishedReplies;

    /**
     * @param brokerUrl an MQTT v5 broker, e.g. {@code tcp://host:1883}
     * @param profile   a bundled device profile id or a profile file
     */
    public AgentOptions(String brokerUrl, String agentId, String profile) {
        if (brokerUrl == null || agentId == null || agentId.isBlank() || profile == null) {
            throw new IllegalArgumentException("an agent needs a broker URL, an id and a device profile");
        }
        this.brokerUrl = brokerUrl;
        this.agentId = agentId;
        this.profile = profile;
    }

    public AgentOptions(AgentOptions other) {
        this(other.brokerUrl, other.agentId, other.profile);
        energy = other.energy;
        simulate = other.simulate;
        cacheDir = other.cacheDir;
        cacheCapBytes = other.cacheCapBytes;
        maxModelBytes = other.maxModelBytes;
        queueCapacity = other.queueCapacity;
        resultResendMs = other.resultResendMs;
        metricsPort = other.metricsPort;
        metricsHost = other.metricsHost;
        sysfsRoot = other.sysfsRoot;
        simulationNoise = other.simulationNoise;
        tls = other.tls;
        mqttUsername = other.mqttUsername;
        mqttPasswordFile = other.mqttPasswordFile;
        modelOrigins = other.modelOrigins;
        measureInProcess = other.measureInProcess;
        executionProvider = other.executionProvider;
        ortNativePath = other.ortNativePath;
        workerLauncher = other.workerLauncher;
        keepAliveSeconds = other.keepAliveSeconds;
        heartbeatSeconds = other.heartbeatSeconds;
        publishedReplies = other.publishedReplies;
    }

    /**
     * Where ONNX Runtime runs the models. When the loaded ONNX Runtime lacks the provider, the agent measures on the
     * CPU and says so (a warning, and the provider in use in its capabilities).
     */
    public AgentOptions setExecutionProvider(ExecutionProvider provider) {
        if (provider == null) {
            throw new IllegalArgumentException("the execution provider must not be null");
        }
        this.executionProvider = provider;
        return this;
    }

    public ExecutionProvider executionProvider() {
        return executionProvider;
    }

    /**
     * A folder holding an ONNX Runtime build's native libraries (ONNX Runtime's {@code onnxruntime.native.path}),
     * used instead of those in the jar by the agent and its worker; null for the jar's.
     *
     * @throws IllegalArgumentException in one line when the folder is missing or lacks the libraries
     */
    public AgentOptions setOrtNativePath(Path dir) {
        this.ortNativePath = dir == null ? null : OrtNatives.check(dir);
        return this;
    }

    public Path ortNativePath() {
        return ortNativePath;
    }

    /**
     * The controller's address ({@code https://host:port}), or several separated by commas (one per controller
     * replica): models are downloaded from these origins only. Without it only loopback origins are trusted (the
     * one-machine demo).
     *
     * @throws IllegalArgumentException when one is not an http(s) URL with a host
     */
    public AgentOptions setControllerUrl(String urls) {
        this.modelOrigins = ModelOrigins.of(urls);
        return this;
    }

    public ModelOrigins modelOrigins() {
        return modelOrigins;
    }

    /**
     * Measure in the agent's own process instead of a worker process. Faster to start, but a native call that
     * never returns then wedges the agent: for tests and benchmarks of the overhead only.
     */
    public AgentOptions setMeasureInProcess(boolean inProcess) {
        this.measureInProcess = inProcess;
        return this;
    }

    public boolean measureInProcess() {
        return measureInProcess;
    }

    /**
     * A command prefix for the measuring worker, words separated by spaces (no quoting): {@code taskset -c 3} pins
     * it to a core; {@code qemu-aarch64-static -L ROOT} runs it through the emulator that runs an arm64 agent on
     * another machine, since the kernel cannot execute the worker's arm64 java binary by itself. Blank: none.
     */
    public AgentOptions setWorkerLauncher(String words) {
        if (words == null) {
            throw new IllegalArgumentException("the worker launcher must not be null (blank for none)");
        }
        this.workerLauncher = words.isBlank() ? DEFAULT_WORKER_LAUNCHER : List.of(words.trim().split("\\s+"));
        return this;
    }

    public List<String> workerLauncher() {
        return workerLauncher;
    }

    /**
     * The MQTT keep-alive in seconds: the broker publishes the agent's Last Will (offline) after 1.5 × this
     * without a packet from it.
     *
     * @throws IllegalArgumentException in one line when it is not 1 to 65535
     */
    public AgentOptions setKeepAliveSeconds(int seconds) {
        if (seconds < 1 || seconds > MAX_KEEP_ALIVE_SECONDS) {
            throw new IllegalArgumentException("--keep-alive-s must be between 1 and " + MAX_KEEP_ALIVE_SECONDS
                    + ": " + seconds);
        }
        this.keepAliveSeconds = seconds;
        return this;
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    /**
     * The status heartbeat in seconds ({@link #DEFAULT_HEARTBEAT_SECONDS}); 0: none.
     *
     * @throws IllegalArgumentException in one line when it is not 0 to 3600
     */
    public AgentOptions setHeartbeatSeconds(int seconds) {
        if (seconds < 0 || seconds > AgentStatus.MAX_HEARTBEAT_S) {
            throw new IllegalArgumentException("--heartbeat-s must be between 0 (off) and "
                    + AgentStatus.MAX_HEARTBEAT_S + ": " + seconds);
        }
        this.heartbeatSeconds = seconds;
        return this;
    }

    public int heartbeatSeconds() {
        return heartbeatSeconds;
    }

    /**
     * Receives each job reply (accepted, progress, result, error) once the broker has acknowledged it: the load
     * generator's own log of what its simulated agents published, to count lost and duplicated jobs. Null: none.
     */
    public AgentOptions setPublishedReplies(Consumer<Message> tap) {
        this.publishedReplies = tap;
        return this;
    }

    public Consumer<Message> publishedReplies() {
        return publishedReplies;
    }

    /** @param spec auto, rapl, jetson-ina3221, rpi5-pmic, nvml, mqtt-plug:TOPIC or estimate */
    public AgentOptions setEnergy(String spec) {
        this.energy = EnergySpec.parse(spec);
        return this;
    }

    /** Answer from the profile's cost model instead of measuring; results say {@code simulated: true}. */
    public AgentOptions setSimulate(boolean simulate) {
        this.simulate = simulate;
        return this;
    }

    /** Where models are cached; by default {@code ~/.cache/sigmaquant-agent/<id>}. */
    public AgentOptions setCacheDir(Path cacheDir) {
        this.cacheDir = cacheDir;
        return this;
    }

    public AgentOptions setCacheCapBytes(long bytes) {
        this.cacheCapBytes = positive(bytes, "the model cache's cap");
        return this;
    }

    public AgentOptions setMaxModelBytes(long bytes) {
        this.maxModelBytes = positive(bytes, "the largest model accepted");
        return this;
    }

    public AgentOptions setQueueCapacity(int jobs) {
        this.queueCapacity = (int) positive(jobs, "the job queue");
        return this;
    }

    /** How often a result no controller has acknowledged yet is published again ({@link #DEFAULT_RESULT_RESEND_MS}). */
    public AgentOptions setResultResendMs(long ms) {
        this.resultResendMs = positive(ms, "the result resend interval");
        return this;
    }

    public long resultResendMs() {
        return resultResendMs;
    }

    /** A port for {@code HOST:PORT/metrics}, 0 for any free one, negative for none. */
    public AgentOptions setMetricsPort(int port) {
        this.metricsPort = port;
        return this;
    }

    /** The address the metrics endpoint listens on. */
    public AgentOptions setMetricsHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the metrics host must not be empty");
        }
        this.metricsHost = host;
        return this;
    }

    /** The filesystem root energy meters and the system probe read sysfs under (a recorded tree in tests). */
    public AgentOptions setSysfsRoot(Path root) {
        this.sysfsRoot = root;
        return this;
    }

    /**
     * The agent's certificate, key and CA (and the CA's CRL): MQTT over TLS ({@code ssl://} broker URL) with
     * mutual authentication. The certificate's CN must be this agent's id. The CA alone: TLS that verifies the
     * broker, for a user name and password. Null (the default): plain TCP.
     */
    public AgentOptions setTls(TlsFiles tls) {
        this.tls = tls;
        return this;
    }

    /** For brokers that check a user name and password; the password is the first line of the file. */
    public AgentOptions setMqttCredentials(String username, Path passwordFile) {
        if ((username == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("--mqtt-username and --mqtt-password-file go together");
        }
        this.mqttUsername = username;
        this.mqttPasswordFile = passwordFile;
        return this;
    }

    public TlsFiles tls() {
        return tls;
    }

    /**
     * Reads the TLS files and the password file.
     *
     * @throws IllegalArgumentException when the certificate is not this agent's or the URL is not {@code ssl://}
     */
    public MqttLogin mqttLogin() {
        if (tls == null) {
            return MqttLogin.withPasswordFile(null, mqttUsername, mqttPasswordFile);
        }
        if (!brokerUrl.startsWith("ssl://")) {
            throw new IllegalArgumentException("with a certificate the broker URL must be ssl://HOST:PORT: " + brokerUrl);
        }
        TlsMaterial material = TlsMaterial.load(tls);
        if (!material.hasCertificate()) { // the CA only: verify the broker, log in with the password
            return MqttLogin.withPasswordFile(material.trustOnly(), mqttUsername, mqttPasswordFile);
        }
        Identity identity = material.identity();
        if (identity.role() != Role.AGENT || !identity.name().equals(agentId)) {
            throw new IllegalArgumentException("the certificate " + tls.cert() + " is for " + identity.role().wire()
                    + " " + identity.name() + ", not for agent " + agentId);
        }
        return MqttLogin.withPasswordFile(material.sslContext(), mqttUsername, mqttPasswordFile);
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    public String agentId() {
        return agentId;
    }

    public String profile() {
        return profile;
    }

    public EnergySpec energy() {
        return energy;
    }

    /** How a simulated board misbehaves (noise, drift, outliers); only with {@link #setSimulate}. */
    public AgentOptions setSimulationNoise(SimulationNoise noise) {
        if (noise == null) {
            throw new IllegalArgumentException("simulation noise must not be null");
        }
        this.simulationNoise = noise;
        return this;
    }

    public SimulationNoise simulationNoise() {
        return simulationNoise;
    }

    public boolean simulate() {
        return simulate;
    }

    public Path cacheDir() {
        return cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sigmaquant-agent", agentId);
    }

    public long cacheCapBytes() {
        return cacheCapBytes;
    }

    public long maxModelBytes() {
        return maxModelBytes;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public String metricsHost() {
        return metricsHost;
    }

    public Path sysfsRoot() {
        return sysfsRoot;
    }

    private static long positive(long value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }
}
