package io.sigmaquant.controller.service;

import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.wiring.ControllerOptions;
import io.sigmaquant.controller.wiring.ControllerParts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sigmaquant serve}: the controller as a service — its {@link ControllerParts} (broker, store, fleet,
 * dispatcher, artifacts over HTTP) with the run manager, the run leases and the HTTP API on top. Closing it
 * stops runs where they are; the next start under the same replica id resumes them at once, another replica
 * once their leases expire.
 */
public final class ControllerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);

    private final ControllerParts parts;
    private final RunManager runs;
    private final RunOwnership ownership;

    private ControllerService(ControllerParts parts, RunManager runs, RunOwnership ownership) {
        this.parts = parts;
        this.runs = runs;
        this.ownership = ownership;
    }

    public static ControllerService start(ControllerOptions options) throws Exception {
        ControllerParts parts = ControllerParts.start(options);
        RunManager runs = null;
        RunOwnership ownership = null;
        try {
            runs = new RunManager(parts);
            Path uploads = Files.createDirectories(parts.options().dataDir().resolve("uploads"));
            parts.router().route().subRouter(new HttpApi(parts.vertx(), runs, parts.fleet(), parts.metrics(),
                    parts.options())
                    .router(uploads));
            ownership = new RunOwnership(parts.store().leases(), runs, parts.replicaId(), parts.options().runLease(),
                    parts.options().concurrentRuns());
            int resumed = ownership.start();
            LOG.info("serving on {}://{}:{} (MQTT {}) as replica {}; {} run(s) resumed", parts.scheme(),
                    options.httpHost(), parts.httpPort(), parts.brokerUrl(), parts.replicaId(), resumed);
            return new ControllerService(parts, runs, ownership);
        } catch (Exception | Error e) {
            if (ownership != null) {
                ownership.close();
            }
            if (runs != null) {
                runs.close();
            }
            parts.close();
            throw e;
        }
    }

    public int httpPort() {
        return parts.httpPort();
    }

    /** {@code https} when secured with TLS files, else {@code http}. */
    public String scheme() {
        return parts.scheme();
    }

    public String brokerUrl() {
        return parts.brokerUrl();
    }

    public FleetRegistry fleet() {
        return parts.fleet();
    }

    /** The artifacts agents download (models by SHA-256). */
    public ModelStore models() {
        return parts.models();
    }

    public RunManager runs() {
        return runs;
    }

    @Override
    public void close() {
        ownership.close(); // first: a stopping replica keeps its leases, it does not hand its runs over
        runs.close();
        parts.close();
    }
}
