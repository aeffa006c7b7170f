package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The hardware-in-the-loop closed loop for one device class (docs/ARCHITECTURE.md, "A run"): solve with the
 * current cost model (any {@link Allocator}; SigmaQuant by default), export the candidate, have an agent of the
 * class measure it, attribute its per-node times to layers, refit, re-solve. Calibration configurations come
 * first so that the fit is identifiable ({@link CalibrationConfigs}). When the model finds no configuration within
 * the budgets it explores instead of giving up ({@link NextMeasurement}); it reports the budgets unreachable only
 * when the configurations predicted fastest were measured and missed them. It stops when a measured candidate
 * meets every budget (judged on the drift-corrected interval, {@link BudgetVerdict}) and the model had predicted
 * its latency within the tolerance, or after the iteration limit (and says so, keeping the best configuration a
 * measurement proved). What it knows as it goes is in one {@link LoopState}; built with {@link #builder}.
 */
public final class ClosedLoop {
    private final ModelUnderTest model;
    private final PriorCostModel prior;
    private final SensitivityTable sensitivity;
    private final Allocator allocator;
    private final LoopSettings settings;
    private final MeasurementRig rig;
    private final Consumer<LoopIteration> progress;
    private final LoopRecorder recorder;
    private final LoopTimings timings;
    private final List<PastMeasurement> earlier;
    private final LoopState state;

    private ClosedLoop(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.prior = Objects.requireNonNull(b.prior, "prior");
        this.sensitivity = Objects.requireNonNull(b.sensitivity, "sensitivity");
        this.allocator = Objects.requireNonNull(b.allocator, "allocator");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.rig = new MeasurementRig(model, Objects.requireNonNull(b.artifacts, "artifacts"),
                Objects.requireNonNull(b.dispatcher, "dispatcher"), settings);
        this.progress = b.progress;
        this.recorder = b.recorder;
        this.timings = b.timings;
        this.earlier = List.copyOf(b.earlier);
        this.state = new LoopState(prior, model.layers(), settings.budgets(), settings.latencyFractionOfFloat());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the loop once; a loop is not run twice. */
    public LoopReport run(String modelName) throws InterruptedException {
        if (!state.iterations().isEmpty()) {
            throw new IllegalStateException("a closed loop runs once");
        }
        for (PastMeasurement p : earlier) {
            state.add(rig.replay(p), p.kind(), p.predictedMs());
        }
        List<Integer> allowed = List.copyOf(prior.profile().allowedBits());
        for (Map<String, Integer> config : CalibrationConfigs.of(model.layers(), allowed)) {
            if (earlier.stream().noneMatch(p -> p.bits().equals(config))) {
                measure(config, IterationKind.CALIBRATION);
            }
        }
        NextMeasurement next = new NextMeasurement(model, sensitivity, allocator, allowed, settings.seed());
        while (state.chosen() < settings.maxIterations()) {
            long solving = System.nanoTime();
            NextMeasurement.Decision decision = next.decide(state);
            timings.solved(System.nanoTime() - solving);
            if (decision instanceof NextMeasurement.Stop stop) {
                return stopped(modelName, stop.evidence());
            }
            NextMeasurement.Measure m = (NextMeasurement.Measure) decision;
            LoopIteration it = measure(m.bits(), m.kind());
            if (state.provenByEveryMeasurement(it) && it.predictionError() <= settings.tolerance()) {
                String how = it.kind() == IterationKind.EXPLORATION ? " (found by exploration: the calibrated model "
                        + "had placed no configuration within them)" : "";
                return report(modelName, true, String.format(Locale.ROOT, "measured %.4f ms %s the budgets%s and the "
                        + "model predicted it within %.1f %%", it.correctedMs(), it.verdict(), how,
                        100 * it.predictionError()), m.bits(), state.lastSha256());
            }
        }
        return stopped(modelName, "iteration limit of " + settings.maxIterations() + " reached without a candidate "
                + "that meets the budgets and is predicted within " + Math.round(100 * settings.tolerance()) + " %");
    }

    /**
     * Not converged (the iteration limit, or nothing left to try), but a configuration measured within the budgets
     * every time it was measured is still the answer — the least distorted of them — proven by measurement though
     * not by the model.
     */
    private LoopReport stopped(String modelName, String why) {
        var proven = state.iterations().stream().filter(state::provenByEveryMeasurement)
                .min(Comparator.comparingDouble(it -> sensitivity.total(it.bits())));
        if (proven.isPresent()) {
            LoopIteration p = proven.get();
            return report(modelName, false, why + String.format(Locale.ROOT, "; measurement %d (%.4f ms) %s the "
                    + "budgets and is kept", p.index(), p.correctedMs(), p.verdict()), p.bits(), state.shaOf(p.index()));
        }
        return report(modelName, false, why, state.last().bits(), null);
    }

    /** Measures a configuration the loop chose, feeds it to the fit, records it and reports it. */
    private LoopIteration measure(Map<String, Integer> bits, IterationKind kind) throws InterruptedException {
        double predictedMs = model.predictedMs(state.model(), bits);
        Measurement m = rig.measure(bits);
        recorder.measured(m.measured(), bits);
        timings.recorded(System.nanoTime() - m.measured().arrivedNanos());
        long fitting = System.nanoTime();
        LoopIteration it = state.add(m, kind, predictedMs);
        if (kind.learns()) {
            timings.fitted(System.nanoTime() - fitting);
        }
        recorder.attributed(it.index(), m.attribution());
        recorder.iteration(it, m.result().jobId(), m.result().attempt());
        if (state.calibration() != null) {
            recorder.calibrated(state.calibration());
        }
        progress.accept(it);
        return it;
    }

    /**
     * For benchmarks after {@link #run}: measures a configuration the loop never chose against the calibrated
     * model and the final budgets; it is recorded as a measurement, never fitted and never an iteration.
     */
    public LoopIteration measureAside(Map<String, Integer> bits, int index, IterationKind kind)
            throws InterruptedException {
        if (kind.learns()) {
            throw new IllegalArgumentException(kind + " measurements are the loop's own");
        }
        double predictedMs = model.predictedMs(state.model(), bits);
        Measurement m = rig.measure(bits);
        recorder.measured(m.measured(), bits);
        LoopIteration it = state.aside(m, index, kind, predictedMs);
        progress.accept(it);
        return it;
    }

    /** The layers and bitwidths a configuration is made of. */
    public ModelUnderTest model() {
        return model;
    }

    public List<Integer> allowedBits() {
        return List.copyOf(prior.profile().allowedBits());
    }

    private LoopReport report(String modelName, boolean converged, String reason, Map<String, Integer> finalBits,
                              String sha) {
        return new LoopReport(modelName, settings.deviceClass(), converged, reason, state.iterations().size(), finalBits,
                sha, List.copyOf(state.iterations()), state.model().describe(), state.calibration());
    }

    /** What a closed loop is made of; all is required but the recorder, the timings, the progress and the past. */
    public static final class Builder {
        private ModelUnderTest model;
        private PriorCostModel prior;
        private SensitivityTable sensitivity;
        private Allocator allocator;
        private LoopSettings settings;
        private ModelStore artifacts;
        private Dispatcher dispatcher;
        private Consumer<LoopIteration> progress = it -> { };
        private LoopRecorder recorder = LoopRecorder.NONE;
        private LoopTimings timings = LoopTimings.NONE;
        private List<PastMeasurement> earlier = List.of();

        private Builder() {
        }

        public Builder model(ModelUnderTest m) {
            model = m;
            return this;
        }

        /** The device class's profile-based cost model the fit starts from. */
        public Builder prior(PriorCostModel p) {
            prior = p;
            return this;
        }

        public Builder sensitivity(SensitivityTable s) {
            sensitivity = s;
            return this;
        }

        public Builder allocator(Allocator a) {
            allocator = a;
            return this;
        }

        public Builder settings(LoopSettings s) {
            settings = s;
            return this;
        }

        /** Where candidates are stored for agents to fetch, and who has them measured. */
        public Builder measuredBy(ModelStore artifacts, Dispatcher dispatcher) {
            this.artifacts = artifacts;
            this.dispatcher = dispatcher;
            return this;
        }

        /** Called with each iteration as it is measured. */
        public Builder progress(Consumer<LoopIteration> p) {
            progress = p;
            return this;
        }

        /** Records every measurement, iteration and refit (e.g. in the store). */
        public Builder recordTo(LoopRecorder r) {
            recorder = r;
            return this;
        }

        /** Told how long each refit and each decision took (metrics). */
        public Builder timedBy(LoopTimings t) {
            timings = t;
            return this;
        }

        /**
         * Continues a run the controller was restarted in: its earlier measurements feed the fit and count as
         * iterations, and calibration configurations already measured are not measured again.
         */
        public Builder resumeFrom(List<PastMeasurement> past) {
            earlier = past;
            return this;
        }

        public ClosedLoop build() {
            return new ClosedLoop(this);
        }
    }
}
