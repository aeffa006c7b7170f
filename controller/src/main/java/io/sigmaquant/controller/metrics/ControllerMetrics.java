package io.sigmaquant.controller.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sigmaquant.controller.fleet.FleetRegistry;
import io.sigmaquant.controller.fleet.AttemptFailure;
import io.sigmaquant.controller.fleet.DispatchListener;
import io.sigmaquant.controller.fleet.Untrusted;
import io.sigmaquant.controller.loop.LoopIteration;
import io.sigmaquant.controller.run.RunStatus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's Micrometer meters, scraped as Prometheus text on the service's {@code /metrics}: jobs by
 * state, jobs in flight, measurement latency (dispatch to result), loop iterations, the cost model's prediction
 * error, runs by outcome, and agents online.
 */
public final class ControllerMetrics implements DispatchListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer measurement;
    private final DistributionSummary predictionError;

    /** @param insecure served open on the network ({@code --insecure}): {@code sigmaquant_insecure_mode} is 1 */
    public ControllerMetrics(FleetRegistry fleet, boolean insecure) {
        measurement = Timer.builder("sigmaquant.measurement").description("time from dispatching a job to its result")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
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
}
