package io.sigmaquant.controller.wiring;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.artifacts.ModelAccess;
import io.sigmaquant.controller.artifacts.ModelDownloads;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.broker.EmbeddedBroker;
import io.sigmaquant.controller.files.AtomicFile;
import io.sigmaquant.controller.files.RevocationFile;
import io.sigmaquant.controller.fleet.FleetConnection;
import io.sigmaquant.controller.fleet.FleetInbox;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.JobDispatcher;
import io.sigmaquant.controller.fleet.RelayListener;
import io.sigmaquant.controller.fleet.ReplyRelay;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.PastMeasurement;
import io.sigmaquant.controller.metrics.AnalysisMeters;
import io.sigmaquant.controller.metrics.ControllerMetrics;
import io.sigmaquant.controller.run.ComputeSlots;
import io.sigmaquant.controller.run.PreparedRun;
import io.sigmaquant.controller.run.ReportHtml;
import io.sigmaquant.controller.run.RunExecution;
import io.sigmaquant.controller.run.RunRequest;
import io.sigmaquant.controller.run.SharedAnalyses;
import io.sigmaquant.controller.run.RunStatus;
import io.sigmaquant.controller.run.RunTradeoff;
import io.sigmaquant.controller.store.RunStore;
import io.sigmaquant.controller.store.StoreRecorder;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.message.ResultRecorded;
import io.sigmaquant.protocol.tls.Role;
import io.sigmaquant.protocol.tls.TlsFiles;
import io.sigmaquant.protocol.tls.TlsMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the controller's parts are built and connected — for {@code serve} (which adds the HTTP API
 * and the run manager), for an in-process {@code optimize}, and for tests: the MQTT broker (embedded unless a
 * URL is given), the run store, the artifact store served over HTTP, the fleet registry, the MQTT session and
 * the dispatcher, whose late and unknown results go to the store. Closing it closes them in reverse order.
 */
public final class ControllerParts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerParts.class);
    /**
     * Largest form field (the run request's JSON) the HTTP server decodes: a full run request is under 2 KiB;
     * 64 KiB leaves room without letting a client make the server buffer megabytes. Larger is a 413.
     */
    public static final int MAX_FORM_FIELD_BYTES = 64 * 1024;
    /** The protocol minor from which agents keep results until a controller acknowledges them. */
    static final int ACKNOWLEDGED_SINCE = 4;
    private final ControllerOptions options;
    // set once, in order, by build(); close() closes whatever was set when a later part fails to start
    private EmbeddedBroker broker;
    private String brokerUrl;
    private RunStore store;
    private ModelStore models;
    private FleetRegistry fleet;
    private ControllerMetrics metrics;
    private FleetConnection connection;
    private JobDispatcher dispatcher;
    private RelayListener relayListener;
    private SharedAnalyses analyses;
    private ComputeSlots computeSlots;
    /** This controller among replicas: its MQTT client id, stable across restarts. */
    private String replicaId;
    private Vertx vertx;
    private Router router;
    private HttpServer http;

    private ControllerParts(ControllerOptions options) {
        this.options = new ControllerOptions(options);
    }

    /** Builds and connects every part; on failure closes what was started and rethrows. */
    public static ControllerParts start(ControllerOptions options) throws Exception {
        ControllerParts parts = new ControllerParts(options);
        try {
            parts.build();
            return parts;
        } catch (Exception | Error e) {
            parts.close();
            throw e;
        }
    }

    /** How often agents' heartbeats are checked: a hung agent is stale at most this long after its third miss. */
    static final long STALE_SWEEP_MS = 1000;

    private void build() throws Exception {
        String refusal = options.exposureRefusal();
        if (refusal != null) {
            throw new UserInputException(refusal);
        }
        boolean insecure = options.insecure() && options.tls() == null; // with TLS, --insecure changes nothing
        if (insecure) {
            LOG.warn("--insecure: serving without TLS or authentication; anyone who reaches {}:{} can read and start "
                    + "runs, and anyone who reaches the broker can pose as an agent", options.httpHost(),
                    options.httpPort());
        }
        Path data = Files.createDirectories(options.dataDir().toAbsolutePath());
        TlsMaterial tls = options.tls() != null ? controllerMaterial(options.tls()) : null;
        brokerUrl = options.brokerUrl();
        if (brokerUrl == null) {
            broker = EmbeddedBroker.start(data.resolve("broker"), options.mqttHost(), options.mqttPort(),
                    options.tls());
            brokerUrl = broker.url();
        } else if (tls != null && !brokerUrl.startsWith("ssl://")) {
            throw new UserInputException("with a certificate the broker URL must be ssl://HOST:PORT: " + brokerUrl);
        }
        store = RunStore.open(options.storeUrl() != null ? options.storeUrl() : RunStore.embeddedUrl(data),
                options.storeUser(), options.storePassword());
        models = new ModelStore(options.modelsDir());
        fleet = new FleetRegistry();
        metrics = new ControllerMetrics(fleet, insecure);
        analyses = new SharedAnalyses(new AnalysisMeters(metrics.registry()));
        computeSlots = new ComputeSlots(options.computeSlots());
        MqttLogin login = MqttLogin.withPasswordFile(tls != null ? tls.sslContext() : null, options.mqttUsername(),
                options.mqttPasswordFile());
        replicaId = clientId(data, tls);
        connection = new FleetConnection(brokerUrl, replicaId, options.sessionExpirySeconds(), login, metrics);
        // on PostgreSQL several replicas may share the results: errors for another replica's attempts are relayed
        ReplyRelay relay = store.sharedByReplicas() ? store.replies() : ReplyRelay.NONE;
        dispatcher = new JobDispatcher(fleet, connection::publish, connection::cancel, metrics, store.dispatches(),
                relay);
        // nothing measured is lost: every trusted result is recorded as it arrives — in flight here, given up, sent
        // by another replica or before a restart — with the run and bits it was issued for, not those it claims
        dispatcher.onResult((issued, result) -> {
            if (store.hasRun(issued.runId())) {
                store.recordMeasurement(issued.runId(), issued.bits(), result);
            }
        });
        // the agent keeps a result, sending it again, until told it is recorded; older agents do not know the message
        dispatcher.acknowledgeWith((agentId, result) -> {
            if (fleet.agent(agentId).filter(a -> Messages.minorOf(a.schemaVersion()) >= ACKNOWLEDGED_SINCE)
                    .isPresent()) {
                connection.resultRecorded(agentId, ResultRecorded.of(result));
            }
        });
        if (relay != ReplyRelay.NONE) {
            relayListener = new RelayListener(relay, dispatcher);
        }
        vertx = Vertx.vertx();
        // an agent whose heartbeat stopped (hung, connection open) is stale: its attempts move at once (issue 17);
        // not while this controller's own session is down (a broker restart): then it cannot hear anyone
        vertx.setPeriodic(STALE_SWEEP_MS, id -> {
            if (connection.isConnected()) {
                fleet.sweepStale();
            } else {
                fleet.excuseSilence();
            }
        });
        router = Router.router(vertx);
        guardModels(tls);
        router.get(ModelDownloads.PATH).handler(ModelDownloads.handler(models));
        // bound before any job is sent: the model URL the agents are given needs the port
        http = vertx.createHttpServer(HttpsServer.options(tls, MAX_FORM_FIELD_BYTES)).requestHandler(router).listen(options.httpPort(), options.httpHost()).await();
        connection.connect(new FleetInbox(fleet, dispatcher)::arrived); // last: a resumed session may deliver replies at once
    }

    /**
     * With TLS, models go only to unrevoked certificates of the installation or to a token. With tokens but no TLS
     * (behind a TLS-terminating proxy) they stay open: agents fetch with their certificate, which such a proxy does
     * not pass on, and have no token; the proxy is where /models/ is restricted then (README, Securing a fleet).
     */
    private void guardModels(TlsMaterial tls) {
        if (tls != null) {
            RevocationFile crl = options.tls().crl() == null ? null : new RevocationFile(options.tls().crl(), tls.ca());
            router.get(ModelDownloads.PATH).handler(new ModelAccess(vertx, token -> store.tokens().role(token)
                    .isPresent(), c -> crl != null && crl.revoked(c)));
        } else if (options.requireTokens()) {
            LOG.warn("--require-tokens without TLS: {} is open to whoever reaches this server (agents fetch models "
                    + "with their certificates); restrict it at the TLS-terminating proxy", ModelDownloads.PATH);
        }
    }

    /** The controller's certificate, refused unless its role is controller (brokers give agents other rights). */
    private static TlsMaterial controllerMaterial(TlsFiles files) {
        TlsMaterial material = TlsMaterial.load(files);
        if (material.identity().role() != Role.CONTROLLER) {
            throw new UserInputException("the certificate " + files.cert() + " is for "
                    + material.identity().role().wire() + " " + material.identity().name() + ", not for a controller");
        }
        return material;
    }

    /**
     * With a certificate: its CN, which brokers require as the client id (stable: the session resumes). Without:
     * a service keeps one id per data folder; an in-process run takes a fresh one.
     */
    private String clientId(Path data, TlsMaterial tls) throws IOException {
        if (tls != null) {
            return tls.identity().name();
        }
        return options.persistentSession() ? controllerId(data) : "sigmaquant-controller-" + UUID.randomUUID();
    }

    /** A stable MQTT client id per data folder, so that a restarted service resumes its broker session. */
    private static String controllerId(Path data) throws IOException {
        Path file = data.resolve("controller-id");
        if (!Files.exists(file)) {
            AtomicFile.write(file, ("sigmaquant-controller-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /** Records a checked run in the store (queued), with its budgets as given; no replica will resume it. */
    public void createRun(String runId, String modelName, PreparedRun run) {
        store.createRun(runId, modelName, run.profile().id(), run.request().budgetView(), RunStatus.QUEUED);
    }

    /** Records a checked run of the service (queued), leased to this replica, which executes it. */
    public void createOwnedRun(String runId, String modelName, PreparedRun run) {
        createOwnedRun(runId, modelName, run.request(), run.profile());
    }

    /** Records an accepted run of the service (queued), leased to this replica, before its model is analysed. */
    public void createOwnedRun(String runId, String modelName, RunRequest request, DeviceProfile profile) {
        store.createOwnedRun(runId, modelName, profile.id(), request.budgetView(), RunStatus.QUEUED, replicaId,
                options.runLease());
    }

    /**
     * Runs a created run through the closed loop, recording it as it goes, and marks it finished — or failed,
     * rethrowing, when it cannot go on. Interrupted (the controller stopping), it stays running and resumes.
     *
     * @param earlier measurements the run made before a controller restart
     */
    public RunExecution.Outcome execute(String runId, PreparedRun run, Allocator allocator,
                                        List<PastMeasurement> earlier, Consumer<LoopIteration> progress, Path outDir)
            throws InterruptedException {
        store.setStatus(runId, RunStatus.RUNNING, null);
        Consumer<LoopIteration> observed = it -> {
            metrics.iteration(it);
            progress.accept(it);
        };
        try {
            RunExecution.Outcome outcome = RunExecution.run(runId, run, allocator, infrastructure(),
                    new StoreRecorder(store, runId, run.profile().id()), earlier, observed, outDir);
            if (store.finishRun(runId, outcome.report().converged(), outcome.report().reason(), replicaId)) {
                metrics.runFinished(RunStatus.of(outcome.report().converged()));
            }
            return outcome;
        } catch (RuntimeException e) {
            if (store.failRun(runId, e.getMessage(), replicaId)) { // a cancelled run was counted when it was cancelled
                metrics.runFinished(RunStatus.FAILED);
            }
            throw e;
        }
    }

    /**
     * The accuracy–size front of a service run with labelled evaluation images (tradeoff.json, and in report.html),
     * called after its end is recorded, in its compute slot; nothing for a run without them. A failure or a stop
     * leaves it out: the run stays as it ended. {@code optimize} does not call it, so that it ends with its run.
     */
    public void writeTradeoff(String runId, PreparedRun run, Map<String, Integer> chosen, Path outDir) {
        if (!RunTradeoff.hasEvalImages(run)) {
            return;
        }
        try {
            RunTradeoff.Front front = RunTradeoff.write(run, run.sensitivity(options.sensitivityCache(),
                    RunExecution.SENSITIVITY_IMAGES), chosen, outDir, RunTradeoff.EXACT_TIME_LIMIT_S);
            ReportHtml.addTradeoff(outDir, front);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("run {}: no accuracy–size front: {}", runId, e.getMessage());
        }
    }

    private RunExecution.Infrastructure infrastructure() {
        return new RunExecution.Infrastructure(computeSlots.releasingWhileWaiting(dispatcher), models, modelBaseUrl(),
                options.sensitivityCache(),
                options.waitForAgent(), metrics);
    }

    /** Where agents fetch artifacts: {@code http(s)://<advertised host>:<port>/models/}. */
    public String modelBaseUrl() {
        return scheme() + "://" + options.advertisedHost() + ":" + http.actualPort() + "/models/";
    }

    /** {@code https} when the installation has TLS files, else {@code http}. */
    public String scheme() {
        return options.tls() != null ? "https" : "http";
    }

    /**
     * This controller's name among replicas sharing a store: its MQTT client id (the certificate's CN with TLS, else
     * kept in the data folder), which the broker already requires to be unique and which survives a restart.
     */
    public String replicaId() {
        return replicaId;
    }

    public ControllerOptions options() {
        return new ControllerOptions(options);
    }

    public String brokerUrl() {
        return brokerUrl;
    }

    public RunStore store() {
        return store;
    }

    public ModelStore models() {
        return models;
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    public ControllerMetrics metrics() {
        return metrics;
    }

    /** The analyses and sensitivity tables runs of one model share. */
    public SharedAnalyses analyses() {
        return analyses;
    }

    /** Bounds the runs computing at once; a run's task runs in {@link ComputeSlots#run}. */
    public ComputeSlots computeSlots() {
        return computeSlots;
    }

    public JobDispatcher dispatcher() {
        return dispatcher;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The HTTP server's router, serving the artifacts; a service mounts its API on it. */
    public Router router() {
        return router;
    }

    public int httpPort() {
        return http.actualPort();
    }

    @Override
    public void close() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (relayListener != null) {
            relayListener.close();
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
        if (metrics != null) {
            metrics.close();
        }
    }
}
