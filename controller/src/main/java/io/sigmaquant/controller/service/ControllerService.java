package io.sigmaquant.controller.service;

import io.sigmaquant.controller.broker.EmbeddedBroker;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.fleet.FleetConnection;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.JobDispatcher;
import io.sigmaquant.controller.fleet.Workloads;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.store.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sigmaquant serve}: the controller as a service. It wires the MQTT broker (embedded unless a URL is
 * given), the fleet registry and dispatcher, the run and model stores, the run manager, and the Vert.x HTTP
 * API with metrics. Closing it stops runs where they are; the next start resumes them.
 */
public final class ControllerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);
    /** How long the broker keeps the service's session (and queues replies for it) while it is down. */
    static final long SESSION_EXPIRY_SECONDS = 3600;

    /**
     * @param brokerUrl      an MQTT v5 broker, or null for the embedded one on {@code mqttHost:mqttPort}
     * @param advertisedHost the address agents reach the HTTP server at (model downloads)
     * @param storeUrl       JDBC URL, or null for an H2 file under {@code dataDir}
     * @param waitForAgent   how long a job waits for an online agent of its class before the run fails
     */
    public record Config(Path dataDir, String httpHost, int httpPort, String advertisedHost, String brokerUrl,
                         String mqttHost, int mqttPort, String storeUrl, String storeUser, String storePassword,
                         int concurrentRuns, Duration waitForAgent) {
    }

    private final EmbeddedBroker broker;
    private final RunStore store;
    private final FleetConnection fleetConnection;
    private final FleetRegistry fleet;
    private final JobDispatcher dispatcher;
    private final RunManager runs;
    private final Vertx vertx;
    private final HttpServer http;
    private final String brokerUrl;

    private ControllerService(EmbeddedBroker broker, RunStore store, FleetConnection fleetConnection, FleetRegistry fleet,
                              JobDispatcher dispatcher, RunManager runs, Vertx vertx, HttpServer http, String brokerUrl) {
        this.broker = broker;
        this.store = store;
        this.fleetConnection = fleetConnection;
        this.fleet = fleet;
        this.dispatcher = dispatcher;
        this.runs = runs;
        this.vertx = vertx;
        this.http = http;
        this.brokerUrl = brokerUrl;
    }

    public static ControllerService start(Config c) throws Exception {
        Path data = c.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        EmbeddedBroker broker = null;
        RunStore store = null;
        FleetConnection connection = null;
        Vertx vertx = null;
        RunManager runs = null;
        try {
            String brokerUrl = c.brokerUrl();
            if (brokerUrl == null) {
                broker = EmbeddedBroker.start(data.resolve("broker"), c.mqttHost(), c.mqttPort());
                brokerUrl = broker.url();
            }
            store = RunStore.open(c.storeUrl() != null ? c.storeUrl() : RunStore.embeddedUrl(data), c.storeUser(),
                    c.storePassword());
            ModelStore models = new ModelStore(data.resolve("models"));
            FleetRegistry fleet = new FleetRegistry();
            ServiceMetrics metrics = new ServiceMetrics(fleet);
            connection = new FleetConnection(brokerUrl, controllerId(data), SESSION_EXPIRY_SECONDS);
            JobDispatcher dispatcher = new JobDispatcher(fleet, connection::publish, metrics);
            RunStore recordTo = store;
            dispatcher.onLateResult((job, result) -> recordTo.recordMeasurement(job.correlationId(), Workloads.bits(job),
                    result));
            dispatcher.onUnknownResult(result -> {
                if (recordTo.run(result.correlationId()).isPresent()) {
                    recordTo.recordMeasurement(result.correlationId(), Map.of(), result); // its configuration is unknown here
                }
            });
            connection.connect(fleet::update, dispatcher::onReply);
            vertx = Vertx.vertx();
            // bind first: the model URL the agents are given needs the port
            Path uploads = Files.createDirectories(data.resolve("uploads"));
            Router router = Router.router(vertx);
            HttpServer http = vertx.createHttpServer().requestHandler(router).listen(c.httpPort(), c.httpHost()).await();
            String advertised = c.advertisedHost() != null ? c.advertisedHost()
                    : c.httpHost().equals("0.0.0.0") ? "127.0.0.1" : c.httpHost();
            RunExecution.Infrastructure infra = new RunExecution.Infrastructure(dispatcher, models,
                    "http://" + advertised + ":" + http.actualPort() + "/models/", data.resolve("sensitivity-cache"),
                    c.waitForAgent());
            runs = new RunManager(data, store, infra, metrics, c.concurrentRuns());
            router.route().subRouter(new HttpApi(vertx, runs, fleet, models, metrics).router(uploads));
            ControllerService service = new ControllerService(broker, store, connection, fleet, dispatcher, runs,
                    vertx, http, brokerUrl);
            int resumed = runs.resumeUnfinished();
            LOG.info("serving on http://{}:{} (MQTT {}{}); {} run(s) resumed", c.httpHost(), http.actualPort(),
                    brokerUrl, broker != null ? ", embedded" : "", resumed);
            return service;
        } catch (Exception | Error e) {
            closeAll(runs, vertx, connection, store, broker);
            throw e;
        }
    }

    /** A stable MQTT client id per data folder, so that a restarted service resumes its broker session. */
    private static String controllerId(Path data) throws java.io.IOException {
        Path file = data.resolve("controller-id");
        if (!Files.exists(file)) {
            AtomicFile.write(file, ("sigmaquant-controller-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    public int httpPort() {
        return http.actualPort();
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    public RunManager runs() {
        return runs;
    }

    public JobDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        closeAll(runs, vertx, fleetConnection, store, broker);
    }

    private static void closeAll(RunManager runs, Vertx vertx, FleetConnection connection, RunStore store,
                                     EmbeddedBroker broker) {
        if (runs != null) {
            runs.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (connection != null) {
            connection.close();
        }
        if (store != null) {
            store.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
