package io.sigmaquant.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.AttemptFailure;
import io.sigmaquant.controller.fleet.DispatchListener;
import io.sigmaquant.controller.fleet.MessageTraffic;
import io.sigmaquant.controller.fleet.Untrusted;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.loop.LoopTimings;
import io.sigmaquant.controller.run.RunStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's Micrometer meters, scraped as Prometheus text on the service's {@code /metrics}: jobs by
 * state, jobs in flight, measurement latency (dispatch to result), loop iterations, the cost model's prediction
 * error, runs by outcome, and agents online; where the time goes — waiting for an agent, publish to the agent's
 * acceptance, result handling, each refit and each decision of the loop — as histograms Prometheus can
 * aggregate across replicas ({@code histogram_quantile}); MQTT messages in and out; the JVM's heap, threads, GC
 * and CPU under Micrometer's usual {@code jvm_*}, {@code process_*} and {@code system_*} names.
 */
public final class ControllerMetrics implements DispatchListener, LoopTimings, MessageTraffic, AutoCloseable {
    /** The dispatch-overhead goal (p99 at 1,000 agents, issue 15): a bucket edge of its own, so it is read exactly. */
    private static final Duration DISPATCH_GOAL = Duration.ofMillis(50);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer measurement;
    private final Timer agentWait;
    private final Timer accept;
    private final Timer resultHandling;
    private final Timer resultRecorded;
    private final Timer fit;
    private final Timer solve;
    private final Timer submission;
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final DistributionSummary predictionError;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param insecure served open on the network ({@code --insecure}): {@code sigmaquant_insecure_mode} is 1 */
    public ControllerMetrics(FleetRegistry fleet, boolean insecure) {
        measurement = Timer.builder("sigmaquant.measurement").description("time from dispatching a job to its result")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        agentWait = stage("sigmaquant.dispatch.queue", "time an attempt waited for an online agent of its class",
                Duration.ofMinutes(5));
        accept = stage("sigmaquant.dispatch.accept", "time from publishing a job to the agent's accepted reply",
                Duration.ofSeconds(30));
        resultHandling = stage("sigmaquant.result.handling", "time from a result's arrival from the broker to the "
                + "measurement waiting for it having it", Duration.ofSeconds(30));
        resultRecorded = stage("sigmaquant.result.recorded", "time from a result's arrival from the broker to its "
                + "being recorded in the store by the run", Duration.ofSeconds(30));
        fit = stage("sigmaquant.loop.fit", "time the closed loop took to refit its cost model after a measurement",
                Duration.ofMinutes(5));
        solve = stage("sigmaquant.loop.solve", "time the closed loop took to decide its next configuration "
                + "(allocation; with refits on resamples when exploring)", Duration.ofMinutes(5));
        submission = Timer.builder("sigmaquant.run.submission").description("time a run submission spends being "
                + "checked, kept and recorded, after its upload; refused ones included")
                .publishPercentiles(0.5, 0.99).register(registry);
        messagesIn = messages("in");
        messagesOut = messages("out");
        predictionError = DistributionSummary.builder("sigmaquant.prediction.error")
                .description("|predicted - measured| / measured end-to-end latency of each loop measurement")
                .publishPercentiles(0.5, 0.9).register(registry);
        Gauge.builder("sigmaquant.jobs.in.flight", inFlight, AtomicInteger::get)
                .description("measurement attempts waiting for a result").register(registry);
        Gauge.builder("sigmaquant.insecure.mode", () -> insecure ? 1 : 0)
                .description("1 when the service was started with --insecure").register(registry);
        Gauge.builder("sigmaquant.agents.online", fleet, f -> f.all().stream().filter(FleetRegistry.Agent::online).count())
                .description("agents whose retained status is online").register(registry);
        for (String state : new String[] {"dispatched", "succeeded", "error", "timeout", "publish", "failed", "late"}) {
            jobs(state); // every state shows from the start, at 0
        }
        for (Untrusted reason : Untrusted.values()) {
            untrustedCounter(reason);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /**
     * A timer published as a histogram: its buckets add up across replicas, where percentiles computed in each
     * process would not. From 0.1 ms (a loopback round trip) to {@code max}; above lands in +Inf.
     */
    private Timer stage(String name, String description, Duration max) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(max)
                .serviceLevelObjectives(DISPATCH_GOAL).register(registry);
    }

    private Counter messages(String direction) {
        return Counter.builder("sigmaquant.mqtt.messages").description("MQTT messages the controller's session "
                + "received (in) and published with the broker's acknowledgement (out)").tag("direction", direction)
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    private Counter jobs(String state) {
        return Counter.builder("sigmaquant.jobs").description("measurement attempts by state").tag("state", state)
                .register(registry);
    }

    @Override
    public void dispatched(String agentId) {
        inFlight.incrementAndGet();
        jobs("dispatched").increment();
    }

    /** One run submission checked, kept and recorded (or refused) in {@code nanos}, after its upload. */
    public void submissionHandled(long nanos) {
        submission.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void waitedForAgent(long nanos) {
        agentWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void accepted(long nanos) {
        accept.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void resultHandled(long nanos) {
        resultHandling.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void recorded(long nanos) {
        resultRecorded.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fitted(long nanos) {
        fit.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void solved(long nanos) {
        solve.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void received() {
        messagesIn.increment();
    }

    @Override
    public void published() {
        messagesOut.increment();
    }

    @Override
    public void succeeded(long elapsedNanos) {
        inFlight.decrementAndGet();
        jobs("succeeded").increment();
        measurement.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void attemptFailed(AttemptFailure why) {
        if (why != AttemptFailure.PUBLISH) {
            inFlight.decrementAndGet();
        }
        jobs(why.label()).increment();
    }

    @Override
    public void jobFailed() {
        jobs("failed").increment();
    }

    @Override
    public void lateResult() {
        jobs("late").increment();
    }

    @Override
    public void untrusted(Untrusted reason) {
        untrustedCounter(reason).increment();
    }

    private Counter untrustedCounter(Untrusted reason) {
        return Counter.builder("sigmaquant.untrusted.messages").description("MQTT messages not believed and dropped, by "
                + "reason").tag("reason", reason.label()).register(registry);
    }

    /** One loop measurement: counted by kind; its prediction error recorded. */
    public void iteration(LoopIteration it) {
        Counter.builder("sigmaquant.loop.iterations").description("closed-loop measurements by kind")
                .tag("kind", it.kind().wire()).register(registry).increment();
        if (it.measuredMs() > 0 && Double.isFinite(it.predictedMs())) {
            predictionError.record(Math.abs(it.predictedMs() - it.measuredMs()) / it.measuredMs());
        }
    }

    public void runFinished(RunStatus outcome) {
        Counter.builder("sigmaquant.runs").description("runs finished by outcome").tag("outcome", outcome.wire())
                .register(registry).increment();
    }

    /** Stops listening to the JVM's garbage collections. */
    @Override
    public void close() {
        gc.close();
    }
}
