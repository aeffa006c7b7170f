package io.sigmaquant.controller.wiring;

import io.sigmaquant.protocol.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the controller's parts are set up, in the shape of Vert.x's {@code *Options}: every default lives here as
 * a {@code DEFAULT_*} constant, setters are fluent, and {@code serve}, {@code demo} and {@code optimize} set
 * only what they were given. {@link ControllerParts#start} copies the options it is given.
 */
public final class ControllerOptions {
    public static final String DEFAULT_DATA_DIR = "sigmaquant-data";
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_MQTT_HOST = "127.0.0.1";
    public static final int DEFAULT_MQTT_PORT = 1883;
    /** H2's default user; PostgreSQL needs its own. */
    public static final String DEFAULT_STORE_USER = "sa";
    public static final String DEFAULT_STORE_PASSWORD = "";
    public static final int DEFAULT_CONCURRENT_RUNS = 2;
    /** Runs computing at once by default: one per core (see ComputeSlots). */
    public static final int DEFAULT_COMPUTE_SLOTS = Runtime.getRuntime().availableProcessors();
    /** Long enough for a board to be rebooted or plugged in while its run waits. */
    public static final long DEFAULT_WAIT_FOR_AGENT_SECONDS = 600;
    /** How long the broker keeps a persistent session (and queues replies for it) while the controller is down. */
    public static final long SESSION_EXPIRY_SECONDS = 3600;
    /** Run submissions per client: a burst of 10 (a script queuing runs), then 6 a minute (a run takes minutes). */
    public static final int DEFAULT_SUBMISSIONS_PER_MINUTE = 6;
    public static final int DEFAULT_SUBMISSION_BURST = 10;
    /**
     * How long a replica's hold on a run lasts without a heartbeat (renewed every third of it): a dead replica's
     * runs are taken over by another within about this long.
     */
    public static final long DEFAULT_RUN_LEASE_SECONDS = 15;

    private Path dataDir = Path.of(DEFAULT_DATA_DIR);
    private String httpHost = DEFAULT_HTTP_HOST;
    private int httpPort = DEFAULT_HTTP_PORT;
    private String advertisedHost;
    private String brokerUrl;
    private String mqttHost = DEFAULT_MQTT_HOST;
    private int mqttPort = DEFAULT_MQTT_PORT;
    private String storeUrl;
    private String storeUser = DEFAULT_STORE_USER;
    private String storePassword = DEFAULT_STORE_PASSWORD;
    private int concurrentRuns = DEFAULT_CONCURRENT_RUNS;
    private int computeSlots = DEFAULT_COMPUTE_SLOTS;
    private Duration waitForAgent = Duration.ofSeconds(DEFAULT_WAIT_FOR_AGENT_SECONDS);
    private Path sharedDir;
    private Path modelsDir;
    private Path sensitivityCache;
    private Duration runLease = Duration.ofSeconds(DEFAULT_RUN_LEASE_SECONDS);
    private long sessionExpirySeconds = SESSION_EXPIRY_SECONDS;
    private boolean persistentSession = true;
    private TlsFiles tls;
    private boolean insecure;
    private Boolean requireTokens;
    private int submissionsPerMinute = DEFAULT_SUBMISSIONS_PER_MINUTE;
    private int submissionBurst = DEFAULT_SUBMISSION_BURST;
    private String mqttUsername;
    private Path mqttPasswordFile;

    public ControllerOptions() {
    }

    public ControllerOptions(ControllerOptions o) {
        dataDir = o.dataDir;
        httpHost = o.httpHost;
        httpPort = o.httpPort;
        advertisedHost = o.advertisedHost;
        brokerUrl = o.brokerUrl;
        mqttHost = o.mqttHost;
        mqttPort = o.mqttPort;
        storeUrl = o.storeUrl;
        storeUser = o.storeUser;
        storePassword = o.storePassword;
        concurrentRuns = o.concurrentRuns;
        computeSlots = o.computeSlots;
        waitForAgent = o.waitForAgent;
        sharedDir = o.sharedDir;
        modelsDir = o.modelsDir;
        sensitivityCache = o.sensitivityCache;
        runLease = o.runLease;
        sessionExpirySeconds = o.sessionExpirySeconds;
        persistentSession = o.persistentSession;
        tls = o.tls;
        insecure = o.insecure;
        requireTokens = o.requireTokens;
        submissionsPerMinute = o.submissionsPerMinute;
        submissionBurst = o.submissionBurst;
        mqttUsername = o.mqttUsername;
        mqttPasswordFile = o.mqttPasswordFile;
    }

    /** Runs, artifacts, the embedded store and broker files, the controller's MQTT client id. */
    public ControllerOptions setDataDir(Path dir) {
        this.dataDir = dir;
        return this;
    }

    /** Where the HTTP server listens (the API of a service; the model downloads always). */
    public ControllerOptions setHttpHost(String host) {
        this.httpHost = host;
        return this;
    }

    /** 0 for any free port. */
    public ControllerOptions setHttpPort(int port) {
        this.httpPort = port;
        return this;
    }

    /** The address agents download models from; by default the HTTP host, or 127.0.0.1 for 0.0.0.0. */
    public ControllerOptions setAdvertisedHost(String host) {
        this.advertisedHost = host;
        return this;
    }

    /** An MQTT v5 broker; null (the default) starts the embedded one on the MQTT host and port. */
    public ControllerOptions setBrokerUrl(String url) {
        this.brokerUrl = url;
        return this;
    }

    public ControllerOptions setMqttHost(String host) {
        this.mqttHost = host;
        return this;
    }

    /** The embedded broker's port, 0 for any free one. */
    public ControllerOptions setMqttPort(int port) {
        this.mqttPort = port;
        return this;
    }

    /** A JDBC URL ({@code jdbc:postgresql:...} or H2); null (the default) for an H2 file in the data folder. */
    public ControllerOptions setStoreUrl(String url) {
        this.storeUrl = url;
        return this;
    }

    public ControllerOptions setStoreUser(String user) {
        this.storeUser = user;
        return this;
    }

    public ControllerOptions setStorePassword(String password) {
        this.storePassword = password;
        return this;
    }

    /** Runs a service executes at once. */
    public ControllerOptions setConcurrentRuns(int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("concurrent runs must be at least 1: " + runs);
        }
        this.concurrentRuns = runs;
        return this;
    }

    /** Runs that compute at once; the others active wait for a slot (or for agents, which needs none). */
    public ControllerOptions setComputeSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("compute slots must be at least 1: " + slots);
        }
        this.computeSlots = slots;
        return this;
    }

    /** How long a job waits for an online agent of its class before the run fails. */
    public ControllerOptions setWaitForAgent(Duration wait) {
        this.waitForAgent = wait;
        return this;
    }

    /**
     * The folder every replica of a service sees (a shared volume): the runs' inputs and results ({@code runs/}),
     * the artifacts agents download ({@code models/}) and the sensitivity cache. By default the data folder, which
     * also holds what is a replica's own: the embedded store and broker, the MQTT client id.
     */
    public ControllerOptions setSharedDir(Path dir) {
        this.sharedDir = dir;
        return this;
    }

    /** How long a replica holds a run without renewing its lease. */
    public ControllerOptions setRunLease(Duration lease) {
        if (lease.toMillis() < 1000) {
            throw new IllegalArgumentException("the run lease must be at least 1 s: " + lease);
        }
        this.runLease = lease;
        return this;
    }

    /**
     * How long the broker keeps a service's session, queuing its share of the replies, while it is disconnected;
     * 0 ends the session with the connection. One controller: long (replies sent during a restart wait for it).
     * Replicas on Mosquitto: 0 — Mosquitto deals a shared subscription's messages to members whose session is kept
     * even while they are offline, so a dead replica would sit on its share of the fleet's results.
     */
    public ControllerOptions setSessionExpirySeconds(long seconds) {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("the session expiry must be 0 to 4294967295 s: " + seconds);
        }
        this.sessionExpirySeconds = seconds;
        return this;
    }

    /** Where artifacts are kept; by default {@code <shared>/models}. */
    public ControllerOptions setModelsDir(Path dir) {
        this.modelsDir = dir;
        return this;
    }

    /** Where sensitivity tables are cached; by default {@code <shared>/sensitivity-cache}. */
    public ControllerOptions setSensitivityCache(Path dir) {
        this.sensitivityCache = dir;
        return this;
    }

    /**
     * True (a service): a client id kept in the data folder and a broker session that outlives a restart, so
     * that replies sent meanwhile are queued. False (an in-process {@code optimize}): a fresh session that ends
     * with the connection.
     */
    public ControllerOptions setPersistentSession(boolean persistent) {
        this.persistentSession = persistent;
        return this;
    }

    /**
     * The controller's certificate (CN = its name, role controller), key, CA and CRL: the embedded broker then
     * listens with TLS only and requires client certificates, and the controller's MQTT session uses them
     * (its client id becomes the certificate's CN). Null (the default): no TLS.
     */
    public ControllerOptions setTls(TlsFiles tls) {
        this.tls = tls;
        return this;
    }

    /** {@code --insecure}: may serve a non-loopback address without TLS (warned; insecure_mode 1 on /metrics). */
    public ControllerOptions setInsecure(boolean insecure) {
        this.insecure = insecure;
        return this;
    }

    /** Requires API tokens whatever the TLS set-up (behind a TLS-terminating proxy); null follows the rule. */
    public ControllerOptions setRequireTokens(Boolean require) {
        this.requireTokens = require;
        return this;
    }

    /** Per-client rate limit of run submission: a burst, then this many a minute. */
    public ControllerOptions setSubmissionRate(int perMinute, int burst) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("submission rate and burst must be at least 1: " + perMinute + ", " + burst);
        }
        this.submissionsPerMinute = perMinute;
        this.submissionBurst = burst;
        return this;
    }

    public TlsFiles tls() {
        return tls;
    }

    /** For an external broker that checks a user name and password; the password is the file's first line. */
    public ControllerOptions setMqttCredentials(String username, Path passwordFile) {
        if ((username == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("an MQTT user name and password file go together");
        }
        this.mqttUsername = username;
        this.mqttPasswordFile = passwordFile;
        return this;
    }

    public String mqttUsername() {
        return mqttUsername;
    }

    public Path mqttPasswordFile() {
        return mqttPasswordFile;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String httpHost() {
        return httpHost;
    }

    public int httpPort() {
        return httpPort;
    }

    public String advertisedHost() {
        if (advertisedHost != null) {
            return advertisedHost;
        }
        return httpHost.equals("0.0.0.0") ? "127.0.0.1" : httpHost;
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    public String mqttHost() {
        return mqttHost;
    }

    public int mqttPort() {
        return mqttPort;
    }

    public String storeUrl() {
        return storeUrl;
    }

    public String storeUser() {
        return storeUser;
    }

    public String storePassword() {
        return storePassword;
    }

    public int concurrentRuns() {
        return concurrentRuns;
    }

    public int computeSlots() {
        return computeSlots;
    }

    public Duration waitForAgent() {
        return waitForAgent;
    }

    public Path sharedDir() {
        return sharedDir != null ? sharedDir : dataDir;
    }

    public Path modelsDir() {
        return modelsDir != null ? modelsDir : sharedDir().resolve("models");
    }

    public Path sensitivityCache() {
        return sensitivityCache != null ? sensitivityCache : sharedDir().resolve("sensitivity-cache");
    }

    public Duration runLease() {
        return runLease;
    }

    /** The broker session's expiry for a service ({@link #persistentSession}); an in-process run's ends at once. */
    public long sessionExpirySeconds() {
        return persistentSession ? sessionExpirySeconds : 0;
    }

    public boolean persistentSession() {
        return persistentSession;
    }

    public boolean insecure() {
        return insecure;
    }

    public int submissionsPerMinute() {
        return submissionsPerMinute;
    }

    public int submissionBurst() {
        return submissionBurst;
    }

    /**
     * Whether every /api route and /metrics need a bearer token: with TLS (or when asked for). A loopback-only
     * service without TLS (the demo, a laptop) needs none: only the machine's own users reach it.
     */
    public boolean requireTokens() {
        return requireTokens != null ? requireTokens : tls != null;
    }

    /**
     * Whether run submission is rate-limited per client: when tokens are required (a bucket per token) or the API
     * is reachable from other machines. Not on an open loopback service: every local client there shares the one
     * address 127.0.0.1, and whoever reaches it already runs code on this machine.
     */
    public boolean limitsSubmissions() {
        return requireTokens() || !Exposure.loopback(httpHost);
    }

    /** Why these options may not start (a non-loopback listener without TLS, unless insecure), or null. */
    public String exposureRefusal() {
        return tls != null || insecure ? null : Exposure.refusal(httpHost, brokerUrl == null ? mqttHost : null);
    }
}
