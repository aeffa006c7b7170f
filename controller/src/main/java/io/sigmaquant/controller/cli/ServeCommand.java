package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.service.ControllerService;
import io.sigmaquant.controller.wiring.ControllerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sigmaquant serve}: the controller service, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the controller service: HTTP API (OpenAPI at /openapi.yaml), metrics at /metrics, model "
                + "store, fleet registry and closed-loop runs; an embedded MQTT 5 broker unless --broker is given.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Settings stay null unless given: ControllerOptions holds their defaults.
    @Option(names = "--data-dir", paramLabel = "DIR", description = "runs, models, the embedded store and broker "
            + "files (default: " + ControllerOptions.DEFAULT_DATA_DIR + ")")
    Path dataDir;

    @Option(names = "--http-host", paramLabel = "HOST", description = "address the HTTP API listens on; 0.0.0.0 for "
            + "boards on the network (default: " + ControllerOptions.DEFAULT_HTTP_HOST + ")")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP port (default: " + ControllerOptions.DEFAULT_HTTP_PORT + ")")
    Integer httpPort;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "address agents download models from (default: the HTTP host, or 127.0.0.1 for 0.0.0.0)")
    String advertiseHost;

    @Option(names = "--broker", paramLabel = "URL", description = "an MQTT v5 broker (e.g. tcp://mosquitto:1883, or "
            + "ssl://mosquitto:8883 with --tls-*) instead of the embedded one")
    String broker;

    @Option(names = "--mqtt-host", paramLabel = "HOST",
            description = "embedded broker: listen address (default: " + ControllerOptions.DEFAULT_MQTT_HOST
                    + "); with --tls-* it listens with TLS only and requires client certificates")
    String mqttHost;

    @Option(names = "--mqtt-port", paramLabel = "PORT", description = "embedded broker: port, 0 for any free one "
            + "(default: " + ControllerOptions.DEFAULT_MQTT_PORT + ")")
    Integer mqttPort;

    @Mixin
    StoreOptions store;

    @Mixin
    TlsMixin tls;

    @Mixin
    MqttCredentialsMixin credentials;

    @Option(names = "--concurrent-runs", paramLabel = "N",
            description = "runs executed at once (default: " + ControllerOptions.DEFAULT_CONCURRENT_RUNS + ")")
    Integer concurrentRuns;

    @Option(names = "--compute-slots", paramLabel = "N", description = "runs computing at once (analysis, "
            + "sensitivity, allocation); the other active runs wait for a slot or for their agents (default: one per "
            + "core)")
    Integer computeSlots;

    @Option(names = "--wait-for-agent-s", paramLabel = "S", description = "how long a job waits for an online agent of "
            + "its class (default: " + ControllerOptions.DEFAULT_WAIT_FOR_AGENT_SECONDS + ")")
    Long waitForAgentSeconds;

    @Option(names = "--shared-dir", paramLabel = "DIR", description = "runs, artifacts and the sensitivity cache, "
            + "seen by every replica of the service (a shared volume); needs a PostgreSQL --store (default: the data dir)")
    Path sharedDir;

    @Option(names = "--run-lease-s", paramLabel = "S", description = "how long this replica holds a run without "
            + "renewing it: a dead replica's runs are resumed by another within about this long (default: "
            + ControllerOptions.DEFAULT_RUN_LEASE_SECONDS + ")")
    Long runLeaseSeconds;

    @Option(names = "--mqtt-session-expiry-s", paramLabel = "S", description = "how long the broker keeps this "
            + "controller's session and queues its replies while it is away; 0 for replicas on Mosquitto (see "
            + "'Controller replicas' in the README) (default: " + ControllerOptions.SESSION_EXPIRY_SECONDS + ")")
    Long sessionExpirySeconds;

    @Option(names = "--insecure", description = "allow a non-loopback --http-host or --mqtt-host without TLS: no "
            + "tokens, no client certificates; warned about at start and on /metrics (sigmaquant_insecure_mode 1)")
    boolean insecure;

    @Option(names = "--require-tokens", description = "require API tokens even without TLS (behind a proxy that "
            + "terminates TLS); with TLS they are required anyway")
    boolean requireTokens;

    @Override
    public Integer call() throws Exception {
        ControllerOptions options = credentials.applyTo(tls.applyTo(store.applyTo(new ControllerOptions())))
                .setAdvertisedHost(advertiseHost).setBrokerUrl(broker).setInsecure(insecure)
                .setRequireTokens(requireTokens ? Boolean.TRUE : null);
        if (dataDir != null) {
            options.setDataDir(dataDir);
        }
        if (httpHost != null) {
            options.setHttpHost(httpHost);
        }
        if (httpPort != null) {
            options.setHttpPort(httpPort);
        }
        if (mqttHost != null) {
            options.setMqttHost(mqttHost);
        }
        if (mqttPort != null) {
            options.setMqttPort(mqttPort);
        }
        if (concurrentRuns != null) {
            if (concurrentRuns < 1) {
                throw new UserInputException("--concurrent-runs must be at least 1: " + concurrentRuns);
            }
            options.setConcurrentRuns(concurrentRuns);
        }
        if (computeSlots != null) {
            if (computeSlots < 1) {
                throw new UserInputException("--compute-slots must be at least 1: " + computeSlots);
            }
            options.setComputeSlots(computeSlots);
        }
        if (sharedDir != null) {
            options.setSharedDir(sharedDir);
        }
        if (runLeaseSeconds != null) {
            if (runLeaseSeconds < 1) {
                throw new UserInputException("--run-lease-s must be at least 1: " + runLeaseSeconds);
            }
            options.setRunLease(Duration.ofSeconds(runLeaseSeconds));
        }
        if (sessionExpirySeconds != null) {
            if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFFFFFFL) {
                throw new UserInputException("--mqtt-session-expiry-s must be 0 to 4294967295: " + sessionExpirySeconds);
            }
            options.setSessionExpirySeconds(sessionExpirySeconds);
        }
        if (waitForAgentSeconds != null) {
            options.setWaitForAgent(Duration.ofSeconds(waitForAgentSeconds));
        }
        requireFree(options.httpHost(), options.httpPort(), "--http-port");
        if (broker == null) {
            requireFree(options.mqttHost(), options.mqttPort(), "--mqtt-port (or give --broker URL to use a running broker)");
        }
        ControllerService service = ControllerService.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "sigmaquant-shutdown"));
        var out = spec.commandLine().getOut();
        if (insecure && options.tls() == null) {
            spec.commandLine().getErr().println("sigmaquant serve: WARNING --insecure: the API and broker accept anyone "
                    + "who can reach them; secure them with --tls-bundle (see 'Securing a fleet' in the README)");
            spec.commandLine().getErr().flush();
        }
        out.printf("sigmaquant serve: %s://%s:%d (API /api, OpenAPI /openapi.yaml, metrics /metrics), MQTT %s; API "
                + "tokens %s%n", service.scheme(), options.httpHost(), service.httpPort(), service.brokerUrl(),
                options.requireTokens() ? "required" : options.insecure() ? "NOT required (--insecure)"
                        : "not required (loopback only)");
        out.flush();
        stopped.await();
        return 0;
    }

    private static void requireFree(String host, int port, String flag) {
        if (port == 0) {
            return;
        }
        if (port < 0 || port > 65535) {
            throw new UserInputException(flag + " must be a port number: " + port);
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UserInputException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): choose "
                    + flag);
        }
    }
}
