package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.service.ControllerService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "sigmaquant-data",
            description = "runs, models, the embedded store and broker files (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "address the HTTP API listens on; 0.0.0.0 for boards on the network (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--advertise-host", paramLabel = "HOST",
            description = "address agents download models from (default: the HTTP host, or 127.0.0.1 for 0.0.0.0)")
    String advertiseHost;

    @Option(names = "--broker", paramLabel = "URL", description = "an MQTT v5 broker (e.g. tcp://mosquitto:1883) "
            + "instead of the embedded one")
    String broker;

    @Option(names = "--mqtt-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "embedded broker: listen address (default: ${DEFAULT-VALUE})")
    String mqttHost;

    @Option(names = "--mqtt-port", paramLabel = "PORT", defaultValue = "1883",
            description = "embedded broker: port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int mqttPort;

    @Option(names = "--store-url", paramLabel = "JDBC",
            description = "jdbc:postgresql://... (default: an embedded H2 file in --data-dir)")
    String storeUrl;

    @Option(names = "--store-user", paramLabel = "USER", defaultValue = "sa", description = "store user (default: ${DEFAULT-VALUE})")
    String storeUser;

    @Option(names = "--store-password", paramLabel = "PASSWORD", defaultValue = "", description = "store password")
    String storePassword;

    @Option(names = "--concurrent-runs", paramLabel = "N", defaultValue = "2",
            description = "runs executed at once (default: ${DEFAULT-VALUE})")
    int concurrentRuns;

    @Option(names = "--wait-for-agent-s", paramLabel = "S", defaultValue = "600",
            description = "how long a job waits for an online agent of its class (default: ${DEFAULT-VALUE})")
    long waitForAgentSeconds;

    @Override
    public Integer call() throws Exception {
        if (concurrentRuns < 1) {
            throw new UserInputException("--concurrent-runs must be at least 1: " + concurrentRuns);
        }
        requireFree(httpHost, httpPort, "--http-port");
        if (broker == null) {
            requireFree(mqttHost, mqttPort, "--mqtt-port (or give --broker URL to use a running broker)");
        }
        ControllerService service = ControllerService.start(new ControllerService.Config(dataDir, httpHost, httpPort,
                advertiseHost, broker, mqttHost, mqttPort, storeUrl, storeUser, storePassword, concurrentRuns,
                Duration.ofSeconds(waitForAgentSeconds)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "sigmaquant-shutdown"));
        var out = spec.commandLine().getOut();
        out.printf("sigmaquant serve: http://%s:%d (API /api, OpenAPI /openapi.yaml, metrics /metrics), MQTT %s%n",
                httpHost, service.httpPort(), service.brokerUrl());
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
