package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.artifacts.ModelStore;
import io.sigmaquant.controller.cost.PriorCostModel;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The hardware-in-the-loop closed loop for one device class (docs/ARCHITECTURE.md, "A run"): solve with the
 * current cost model (any {@link Allocator}; SigmaQuant by default), export the candidate, have an agent of the
 * class measure it, attribute its per-node times to layers, refit, re-solve. Calibration configurations come
 * first so that the fit is identifiable ({@link CalibrationConfigs}). It stops when a measured candidate meets
 * every budget and the model had predicted its latency within the tolerance, or after the iteration limit
 * (and says so). What it knows as it goes is in one {@link LoopState}; built with {@link #builder}.
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
            state.add(rig.replay(p), p.kind(), p.predictedMs(), true);
        }
        List<Integer> allowed = List.copyOf(prior.profile().allowedBits());
        for (Map<String, Integer> config : CalibrationConfigs.of(model.layers(), allowed)) {
            if (earlier.stream().noneMatch(p -> p.bits().equals(config))) {
                measure(config, IterationKind.CALIBRATION, true);
            }
        }
        for (int i = state.candidates(); i < settings.maxIterations(); i++) {
            AllocationProblem p = ProblemBuilder.build(model.analysis(), state.model(), sensitivity, allowed,
                    state.budgets());
            Map<String, Integer> bits;
            try {
                bits = allocator.allocate(p).bits(p);
            } catch (InfeasibleBudgetException e) {
                return report(modelName, false, "the model calibrated on " + state.iterations().size()
                        + " measurements says the budgets cannot be met: " + e.getMessage(), state.last().bits(), null);
            }
            LoopIteration it = measure(bits, IterationKind.CANDIDATE, false);
            double gap = Math.abs(it.predictedMs() - it.measuredMs()) / it.measuredMs();
            if (it.meetsBudgets() && gap <= settings.tolerance()) {
                return report(modelName, true, String.format(Locale.ROOT, "measured %.3f ms meets the budgets and the model "
                        + "predicted it within %.1f %%", it.measuredMs(), 100 * gap), bits, state.lastSha256());
            }
        }
        return report(modelName, false, "iteration limit of " + settings.maxIterations() + " reached without a candidate that "
                + "meets the budgets and is predicted within " + Math.round(100 * settings.tolerance()) + " %",
                state.last().bits(), null);
    }

    /** Measures a configuration the loop chose, feeds it to the fit, records it and reports it. */
    private LoopIteration measure(Map<String, Integer> bits, IterationKind kind, boolean setsLatencyBudget)
            throws InterruptedException {
        double predictedMs = model.predictedMs(state.model(), bits);
        Measurement m = rig.measure(bits);
        recorder.measured(m.measured(), bits);
        LoopIteration it = state.add(m, kind, predictedMs, setsLatencyBudget);
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
        LoopIteration it = m.iteration(index, kind, predictedMs, state.budgets(), Double.NaN);
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

    /** What a closed loop is made of; every part but the recorder, the progress and the past is required. */
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
