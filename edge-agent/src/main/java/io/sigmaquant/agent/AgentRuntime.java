package io.sigmaquant.agent;

import io.sigmaquant.agent.energy.CommandRunner;
import io.sigmaquant.agent.energy.EnergyMeter;
import io.sigmaquant.agent.energy.EnergyMeters;
import io.sigmaquant.agent.energy.MqttPlugPower;
import io.sigmaquant.agent.fetch.ModelCache;
import io.sigmaquant.agent.fetch.ModelFetcher;
import io.sigmaquant.agent.jobs.Availability;
import io.sigmaquant.agent.jobs.InProcessMeasurer;
import io.sigmaquant.agent.jobs.JobChecks;
import io.sigmaquant.agent.jobs.JobExecutor;
import io.sigmaquant.agent.jobs.ModelMeasurer;
import io.sigmaquant.agent.jobs.JobService;
import io.sigmaquant.agent.jobs.MeasuringExecutor;
import io.sigmaquant.agent.jobs.UnacknowledgedResults;
import io.sigmaquant.agent.measure.Clock;
import io.sigmaquant.agent.measure.Measurer;
import io.sigmaquant.agent.measure.OrtNatives;
import io.sigmaquant.agent.measure.OrtProviders;
import io.sigmaquant.agent.measure.OrtSessions;
import io.sigmaquant.agent.measure.ProviderChoice;
import io.sigmaquant.agent.metrics.MetricsEndpoint;
import io.sigmaquant.agent.mqtt.MqttAgentConnection;
import io.sigmaquant.agent.simulate.SimulatedExecutor;
import io.sigmaquant.agent.system.SystemProbe;
import io.sigmaquant.agent.worker.WorkerCommand;
import io.sigmaquant.agent.worker.WorkerMain;
import io.sigmaquant.agent.worker.WorkerMeasurer;
import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.MqttLogin;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.profiles.DeviceProfile;
import io.sigmaquant.profiles.DeviceProfiles;
import io.sigmaquant.profiles.ExecutionProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires a running agent: profile, energy meter, cache, executor, job service, MQTT session, metrics. */
public final class AgentRuntime implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

    private final MetricsEndpoint metrics = new MetricsEndpoint();
    private final JobService jobs;
    /** Null until built: the worker may report trouble while it starts. */
    private volatile MqttAgentConnection connection;
    private volatile AgentStatus online;
    /** Null while the agent can take jobs. */
    private volatile String unavailableReason;
    private final int metricsPort;
    /**
     * Publishes again the results no controller has acknowledged yet. One thread for every agent in this JVM: a
     * check takes microseconds, and bench-fleet runs a thousand simulated agents in one process.
     */
    private static final ScheduledExecutorService RESENDER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "result-resender");
        t.setDaemon(true);
        return t;
    });
    /** This agent's checks on {@link #RESENDER}; null until scheduled. */
    private volatile ScheduledFuture<?> resends;

    private AgentRuntime(AgentOptions c) throws Exception {
        DeviceProfile profile = DeviceProfiles.load(c.profile());
        MqttLogin login = c.mqttLogin(); // first: a bad certificate stops the agent before anything starts
        // before the worker starts and the agent announces itself online: a port taken or a host that does not
        // resolve is the operator's to fix (exit 2), not a crash after "online" that the service unit restarts forever
        this.metricsPort = serveMetrics(c);
        try {
            OrtNatives.load(c.ortNativePath()); // before anything touches ONNX Runtime, and before the worker starts
            ProviderChoice providers = OrtProviders.choose(c.simulate() ? ExecutionProvider.CPU : c.executionProvider());
            if (providers.warning() != null) {
                LOG.warn(providers.warning());
            }
            MqttPlugPower plug = new MqttPlugPower();
            Availability availability = new Availability(this::availabilityChanged);
            JobExecutor executor;
            Consumer<byte[]> plugReadings = plug::accept;
            if (c.simulate()) {
                executor = new SimulatedExecutor(c.agentId(), profile, c.agentId().hashCode(), c.simulationNoise());
            } else {
                EnergyMeter meter = EnergyMeters.select(c.energy(), c.sysfsRoot(), CommandRunner.SYSTEM, profile, plug);
                ModelCache cache = new ModelCache(c.cacheDir(), c.cacheCapBytes());
                ModelMeasurer measurer;
                if (c.measureInProcess()) {
                    measurer = new InProcessMeasurer(c.agentId(), new Measurer(meter, new SystemProbe(c.sysfsRoot(),
                            CommandRunner.SYSTEM), Clock.SYSTEM, c.cacheDir(), providers.used()));
                } else {
                    WorkerMeasurer worker = new WorkerMeasurer(WorkerCommand.of(c.workerLauncher(),
                            new WorkerCommand.Settings(c.agentId(), c.profile(), c.energy().toString(), c.sysfsRoot(),
                                    c.cacheDir(), providers.used()), WorkerMain.class), availability);
                    worker.prestart();
                    plugReadings = plugReadings.andThen(worker::plugReading); // the worker's meter reads the plug
                    measurer = worker;
                }
                // the agent's own certificate: the controller serves models only to this installation's identities
                executor = new MeasuringExecutor(new ModelFetcher(cache, c.maxModelBytes(), c.modelOrigins(), login.tls()),
                        cache, measurer, meter.id());
            }
            this.online = status(c, profile, executor, providers);
            this.connection = new MqttAgentConnection(c.brokerUrl(), c.agentId(), login,
                    current(), c.energy().plugTopic(), plugReadings, c.keepAliveSeconds(), c.heartbeatSeconds());
            // a simulated agent answers for the profile's board, whatever machine it runs on
            int cores = c.simulate() ? profile.hardware().cores() : Runtime.getRuntime().availableProcessors();
            UnacknowledgedResults results = new UnacknowledgedResults(connection, new UnacknowledgedResults.Policy(
                    c.resultResendMs(), AgentOptions.DEFAULT_RESULT_GIVE_UP_MS,
                    AgentOptions.DEFAULT_MAX_UNACKNOWLEDGED_RESULTS), System::currentTimeMillis,
                    connection::isConnected, metrics.registry());
            this.jobs = new JobService(c.agentId(), executor, results, c.queueCapacity(), metrics.registry(),
                    System::currentTimeMillis, new JobChecks(cores, profile.allowedBits(),
                            profile.measurement().threads()), availability);
            connection.onPublished(c.publishedReplies());
            connection.reportJobsHeld(jobs::jobsHeld);
            // only now: the first job may arrive the moment the session resumes
            connection.connect(jobs::onMessage, results::resendAll);
            scheduleResends(results, c.resultResendMs());
        } catch (Exception | Error e) {
            metrics.close();
            throw e;
        }
    }

    /**
     * Checks a few times per interval (at most every second), so a result is resent within about one interval and
     * a tenth of its due time. A failure is logged, not thrown: a scheduled task that throws is never run again.
     */
    private void scheduleResends(UnacknowledgedResults results, long resendMs) {
        long period = Math.max(1, Math.min(1000, resendMs / 10));
        resends = RESENDER.scheduleWithFixedDelay(() -> {
            try {
                results.resendDue();
            } catch (RuntimeException e) {
                LOG.warn("resending unacknowledged results failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private void stopResends() {
        ScheduledFuture<?> r = resends;
        if (r != null) {
            r.cancel(false);
        }
    }

    private int serveMetrics(AgentOptions c) {
        if (c.metricsPort() < 0) {
            return -1;
        }
        try {
            return metrics.serve(c.metricsHost(), c.metricsPort());
        } catch (IOException | IllegalArgumentException e) { // UnresolvedAddressException is one
            throw new IllegalArgumentException("--metrics-host/--metrics-port " + c.metricsHost() + ":"
                    + c.metricsPort() + ": cannot listen there (" + describe(e) + ")", e);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.channels.UnresolvedAddressException
                || e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return "the host does not resolve";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    public static AgentRuntime start(AgentOptions options) throws Exception {
        return new AgentRuntime(new AgentOptions(options));
    }

    /** @param providers what ONNX Runtime offers, and the one in use (none for a simulated agent: nothing runs) */
    private static AgentStatus status(AgentOptions c, DeviceProfile profile, JobExecutor executor,
                                      ProviderChoice providers) {
        long memoryMb = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() / (1024 * 1024) : 0;
        AgentStatus.Capabilities caps = new AgentStatus.Capabilities(System.getProperty("os.arch"),
                System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(), memoryMb,
                OrtSessions.version(), providers.available(), executor.energyMeter(), executor.simulated(), VERSION,
                executor.simulated() ? null : providers.usedName());
        return new AgentStatus(Messages.SCHEMA_VERSION, null, "status-" + c.agentId(), c.agentId(), AgentStatus.ONLINE,
                profile.id(), caps, System.currentTimeMillis());
    }

    /**
     * Says in the retained status whether this agent can take jobs: online again, or unavailable with the reason
     * (with its profile and capabilities, so the fleet still knows what it is). A change before the connection
     * exists is announced when it connects.
     */
    private void availabilityChanged(String reason) {
        unavailableReason = reason;
        if (reason == null) {
            LOG.info("agent can take jobs again");
        } else {
            LOG.warn("agent is unavailable: {}", reason);
        }
        MqttAgentConnection c = connection;
        if (c != null) {
            c.publishStatus(current());
        }
    }

    private AgentStatus current() {
        String reason = unavailableReason;
        return reason == null ? online : unavailable(online, reason);
    }

    static AgentStatus unavailable(AgentStatus online, String reason) {
        return new AgentStatus(Messages.SCHEMA_VERSION, null, online.correlationId(), online.agentId(),
                AgentStatus.UNAVAILABLE, online.deviceClass(), online.capabilities(), System.currentTimeMillis(), reason);
    }

    public int metricsPort() {
        return metricsPort;
    }

    /**
     * Stops as a crash would: the MQTT socket is dropped without DISCONNECT (the broker publishes the Last Will
     * {@code offline}), then the jobs and the metrics are closed. For the load generator's injected faults.
     */
    public void crash() throws IOException {
        stopResends();
        connection.closeAbruptly();
        jobs.close();
        metrics.close();
    }

    @Override
    public void close() throws IOException {
        stopResends();
        jobs.close();
        connection.close();
        metrics.close();
    }
}
