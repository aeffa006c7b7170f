package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Allocator;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.InfeasibleBudgetException;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.allocation.SigmaQuantAllocator;
import io.sigmaquant.controller.allocation.SigmaQuantOptions;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.planning.ProblemBuilder;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what the loop measures next. While the fitted cost model finds a configuration within the budgets, that
 * is the candidate. When it finds none, a prediction is not taken as proof: the model's uncertainty (refits on
 * bootstrap resamples of the measurements) names configurations that might meet the budgets, and the one most
 * refits predict to meet them is explored; when none does, the configurations predicted fastest (least energy)
 * within the other budgets are measured. Only when those were measured and missed is the budget reported
 * unreachable, naming the measurements.
 */
final class NextMeasurement {
    /** Refits on resamples: enough to see a spread, few enough to allocate each in milliseconds. */
    static final int REFITS = 16;
    /** A configuration measured this often is not measured again for exploration. */
    static final int MAX_REPEATS = 2;
    /** Re-solves with a tighter latency budget when the whole configuration is predicted over it. */
    static final int TIGHTENINGS = 3;

    /** What to do next. */
    sealed interface Decision permits Measure, Stop {
    }

    /** Measure {@code bits}; {@code why} says why for the log. */
    record Measure(Map<String, Integer> bits, IterationKind kind, String why) implements Decision {
    }

    /** Stop: the budgets are shown unreachable by measurements ({@code proven}) or it cannot be decided. */
    record Stop(boolean proven, String evidence) implements Decision {
    }

    private final ModelUnderTest model;
    private final SensitivityTable sensitivity;
    private final Allocator allocator;
    /** Finds the fastest configurations whatever the run's method (a uniform method cannot). */
    private final Allocator leastFinder = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
    private final List<Integer> allowed;
    private final long seed;

    NextMeasurement(ModelUnderTest model, SensitivityTable sensitivity, Allocator allocator, List<Integer> allowed,
                    long seed) {
        this.model = model;
        this.sensitivity = sensitivity;
        this.allocator = allocator;
        this.allowed = List.copyOf(allowed);
        this.seed = seed;
    }

    Decision decide(LoopState state) {
        Budgets budgets = state.budgets();
        Map<String, Integer> candidate = allocate(state.model(), budgets);
        boolean measuredBudget = budgets.has(Resource.LATENCY) || budgets.has(Resource.ENERGY);
        if (candidate != null && (timesMeasured(state, candidate) < MAX_REPEATS || !measuredBudget)) {
            // with only a size budget (exact) there is nothing to explore: the candidate is measured until the
            // model predicts it
            return new Measure(candidate, IterationKind.CANDIDATE, "the calibrated model's allocation");
        }
        List<CostModel> models = new ArrayList<>();
        models.add(state.model());
        models.addAll(state.bootstrap(REFITS, seed));
        Set<Map<String, Integer>> fastest = new LinkedHashSet<>();
        Set<Map<String, Integer>> options = new LinkedHashSet<>();
        for (CostModel m : models) {
            for (Resource r : List.of(Resource.LATENCY, Resource.ENERGY)) {
                if (budgets.has(r)) {
                    Map<String, Integer> f = least(m, r, budgets);
                    if (f != null) {
                        fastest.add(f);
                    }
                }
            }
            Map<String, Integer> a = m == state.model() ? candidate : allocate(m, budgets);
            if (a != null) {
                options.add(a);
            }
        }
        options.addAll(fastest);
        Map<Map<String, Integer>, Double> share = new LinkedHashMap<>();
        for (Map<String, Integer> o : options) {
            if (!settled(state, o)) {
                share.put(o, models.stream().filter(m -> predictedToMeet(m, o, budgets)).count() / (double) models.size());
            }
        }
        Comparator<Map.Entry<Map<String, Integer>, Double>> mostLikely = Comparator
                .<Map.Entry<Map<String, Integer>, Double>>comparingDouble(Map.Entry::getValue).reversed()
                .thenComparingDouble(e -> sensitivity.total(e.getKey()));
        var best = share.entrySet().stream().filter(e -> e.getValue() > 0).sorted(mostLikely).findFirst();
        if (best.isPresent()) {
            return new Measure(best.get().getKey(), IterationKind.EXPLORATION, String.format(Locale.ROOT,
                    "the calibrated model finds no configuration within the budgets; %.0f %% of %d refits predict "
                            + "this one meets them", 100 * best.get().getValue(), models.size()));
        }
        var unmeasuredFastest = fastest.stream().filter(f -> !settled(state, f)).findFirst();
        if (unmeasuredFastest.isPresent()) {
            return new Measure(unmeasuredFastest.get(), IterationKind.EXPLORATION, "no refit predicts a configuration "
                    + "within the budgets; measuring the one predicted fastest before calling them unreachable");
        }
        return evidence(state, fastest);
    }

    /** The stop, with the measurements of the configurations predicted fastest as its evidence. */
    private Stop evidence(LoopState state, Set<Map<String, Integer>> fastest) {
        List<LoopIteration> proof = state.iterations().stream().filter(it -> it.kind().learns())
                .filter(it -> fastest.contains(it.bits())).toList();
        boolean anyMet = state.iterations().stream().anyMatch(it -> it.kind().learns() && it.meetsBudgets());
        boolean missed = !proof.isEmpty() && !anyMet && fastest.stream().allMatch(f -> state.iterations().stream()
                .anyMatch(it -> it.bits().equals(f) && it.verdict() == BudgetVerdict.MISSES));
        String measured = proof.stream().map(NextMeasurement::describe).collect(Collectors.joining("; "));
        String budgets = budgetsText(state.budgets());
        if (missed) {
            return new Stop(true, "the budgets are unreachable on this device class (" + budgets + "): the "
                    + "configurations that the calibrated model and its " + REFITS + " refits predict fastest within "
                    + "the other budgets were measured and miss them (" + measured + ")");
        }
        if (anyMet) {
            return new Stop(false, "no further configuration to try (" + budgets + "): the calibrated model and its "
                    + REFITS + " refits place none within the budgets, and those predicted fastest were measured ("
                    + measured + ")");
        }
        return new Stop(false, "undecided (" + budgets + "): the configurations predicted fastest within the other "
                + "budgets were measured up to " + MAX_REPEATS + " times and their intervals reach the budget ("
                + measured + ")");
    }

    private static String budgetsText(Budgets b) {
        List<String> parts = new ArrayList<>();
        if (b.has(Resource.LATENCY)) {
            parts.add(String.format(Locale.ROOT, "latency budget %.4f ms", b.limit(Resource.LATENCY)));
        }
        if (b.has(Resource.ENERGY)) {
            parts.add(String.format(Locale.ROOT, "energy budget %.4f mJ", b.limit(Resource.ENERGY)));
        }
        if (b.has(Resource.SIZE)) {
            parts.add(String.format(Locale.ROOT, "size budget %.0f bytes", b.limit(Resource.SIZE)));
        }
        return String.join(", ", parts);
    }

    private static String describe(LoopIteration it) {
        String interval = Double.isFinite(it.ciLowMs()) ? String.format(Locale.ROOT, ", 95 %% interval %.4f–%.4f ms",
                it.ciLowMs(), it.ciHighMs()) : "";
        return String.format(Locale.ROOT, "measurement %d: %.4f ms%s, %s", it.index(), it.correctedMs(), interval,
                it.verdict());
    }

    /** Measured and clearly missing, or measured as often as exploration allows. */
    private static boolean settled(LoopState state, Map<String, Integer> bits) {
        return timesMeasured(state, bits) >= MAX_REPEATS || state.iterations().stream()
                .anyMatch(it -> it.bits().equals(bits) && it.kind().learns() && it.verdict() == BudgetVerdict.MISSES);
    }

    private static long timesMeasured(LoopState state, Map<String, Integer> bits) {
        return state.iterations().stream().filter(it -> it.kind().learns() && it.bits().equals(bits)).count();
    }

    /**
     * The allocation under a cost model, checked against its whole-configuration latency (which sees the
     * neighbours the allocator's separable costs cannot): when that is over the latency budget, the allocator's
     * latency budget is tightened by the difference and it solves again, a few times; null if nothing fits.
     */
    private Map<String, Integer> allocate(CostModel costs, Budgets budgets) {
        Budgets tightened = budgets;
        for (int attempt = 0; attempt < TIGHTENINGS; attempt++) {
            AllocationProblem p = ProblemBuilder.build(model.analysis(), costs, sensitivity, allowed, tightened);
            Map<String, Integer> bits;
            try {
                bits = allocator.allocate(p).bits(p);
            } catch (InfeasibleBudgetException e) {
                return null;
            }
            if (!budgets.has(Resource.LATENCY)) {
                return bits;
            }
            double whole = model.predictedMs(costs, bits);
            double separable = costs.remainder().latencyMs() + model.layers().stream()
                    .mapToDouble(l -> costs.cost(l, bits.get(l.name())).latencyMs()).sum();
            double limit = budgets.limit(Resource.LATENCY);
            if (whole <= limit || whole <= separable) {
                return bits;
            }
            // the allocator's budget is the real one less what its separable costs missed for this configuration
            double next = tightened.limit(Resource.LATENCY) - (whole - separable);
            if (!(next > 0)) {
                return null;
            }
            tightened = tightened.with(Resource.LATENCY, next);
        }
        return null;
    }

    /** The configuration with the least predicted {@code r} within the other budgets, or null if there is none. */
    private Map<String, Integer> least(CostModel costs, Resource r, Budgets budgets) {
        Map<Resource, Double> others = new LinkedHashMap<>(budgets.limits());
        others.remove(r);
        AllocationProblem p = ProblemBuilder.build(model.analysis(), costs, sensitivity, allowed, new Budgets(others));
        double[][] cost = p.cost()[r.ordinal()];
        double[][] d = new double[p.size()][];
        for (int l = 0; l < p.size(); l++) {
            double min = Arrays.stream(cost[l]).min().orElse(0);
            d[l] = Arrays.stream(cost[l]).map(c -> c - min).toArray();
        }
        AllocationProblem least = new AllocationProblem(p.layers(), p.bits(), d, p.cost(), p.remainder(), p.sigma(),
                p.budgets());
        try {
            return leastFinder.allocate(least).bits(least);
        } catch (InfeasibleBudgetException e) {
            return null;
        }
    }

    private boolean predictedToMeet(CostModel costs, Map<String, Integer> bits, Budgets budgets) {
        if (budgets.has(Resource.LATENCY) && model.predictedMs(costs, bits) > budgets.limit(Resource.LATENCY)) {
            return false;
        }
        for (Resource r : List.of(Resource.SIZE, Resource.ENERGY)) {
            if (budgets.has(r) && total(costs, r, bits) > budgets.limit(r)) {
                return false;
            }
        }
        return true;
    }

    private double total(CostModel costs, Resource r, Map<String, Integer> bits) {
        return model.layers().stream().mapToDouble(l -> {
            var c = costs.cost(l, bits.get(l.name()));
            return r == Resource.SIZE ? c.sizeBytes() : c.energyMj();
        }).sum() + (r == Resource.SIZE ? costs.remainder().sizeBytes() : costs.remainder().energyMj());
    }
}
