package io.sigmaquant.controller.cli;

import io.sigmaquant.controller.allocation.Allocation;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.SizeBasis;
import io.sigmaquant.controller.planning.AccuracyGate;
import io.sigmaquant.controller.planning.AllocationPlanner;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import io.sigmaquant.profiles.DeviceProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code allocate} prints (JSON keys as in the issue) and the config it writes. */
record AllocationReport(String model, String profile, String method, String status, Map<String, Integer> bits,
                        Predicted predicted, Map<String, Double> budgets, double objective, Double lowerBound,
                        Double provenGapPercent, List<Allocation.Candidate> considered, double elapsedMs,
                        String sensitivityMode, String sensitivitySource, String costModel, AccuracyGate gate,
                        List<AllocationPlanner.SearchStep> search) {

    /** Predicted totals of the allocation; {@code sizeBasis} says which size is meant. */
    record Predicted(double sizeBytes, String sizeBasis, double latencyMs, double energyMj) {
    }

    static AllocationReport of(Path model, DeviceProfile device, AllocationProblem p, AllocationPlanner.Plan plan,
                               SensitivityTable table, CostModel costs, SizeBasis basis) {
        Allocation a = plan.allocation();
        Predicted predicted = new Predicted(p.total(Resource.SIZE, a.choice()), basis.name().toLowerCase(Locale.ROOT),
                p.total(Resource.LATENCY, a.choice()), p.total(Resource.ENERGY, a.choice()));
        Map<String, Double> budgets = new LinkedHashMap<>();
        p.budgets().limits().forEach((r, v) -> budgets.put(r.label(), v));
        return new AllocationReport(model.toString(), device.id(), a.method(), a.status(), a.bits(p), predicted,
                budgets, a.objective(), Double.isNaN(a.lowerBound()) ? null : a.lowerBound(),
                Double.isNaN(a.provenGap()) ? null : 100 * a.provenGap(), a.considered(), a.elapsedMs(), table.mode(), table.source(), costs.describe(), plan.gate(),
                plan.search());
    }

    /** The file {@code quantize --config} reads, with where it came from. */
    Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bits", bits);
        c.put("method", method);
        c.put("profile", profile);
        c.put("predicted", predicted);
        return c;
    }

    void print(PrintWriter out, ModelAnalysis analysis) {
        out.printf(Locale.ROOT, "%s on %s: method %s (%s), %.1f ms; sensitivity %s%n%n", model, profile, method,
                status, elapsedMs, sensitivityMode);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("layer", "op", "params", "sigma", "bits"));
        for (Layer l : analysis.layers()) {
            int b = bits.get(l.name());
            rows.add(List.of(l.name(), l.op(), Output.count(l.params()), String.format(Locale.ROOT, "%.5f", l.sigma()),
                    b == 32 ? "float" : Integer.toString(b)));
        }
        Output.table(out, rows);
        out.printf(Locale.ROOT, "%npredicted: size %s (%s), latency %.3f ms, energy %.4f mJ; objective ΣD = %.4e%n",
                Output.bytes(Math.round(predicted.sizeBytes())), predicted.sizeBasis(), predicted.latencyMs(),
                predicted.energyMj(), objective);
        if (!budgets.isEmpty()) {
            out.printf(Locale.ROOT, "budgets: %s%n", budgets);
        }
        if (!considered.isEmpty()) {
            out.printf(Locale.ROOT, "considered (ΣD of the best from each start): %s%n", String.join(", ",
                    considered.stream().map(c -> String.format(Locale.ROOT, "%s %.4e", c.origin(), c.objective()))
                            .toList()));
        }
        if (lowerBound != null) {
            out.printf(Locale.ROOT, "lower bound on ΣD: %.4e (%s)%n", lowerBound, status.equals("OPTIMAL")
                    ? "proven optimal" : String.format(Locale.ROOT, "within %.2f %% of the optimum", provenGapPercent));
        }
        if (gate != null) {
            out.printf(Locale.ROOT, "measured top-1: %.2f%% (FP32 %.2f%%, drop %.2f points%s) on %d images%n",
                    gate.top1(), gate.fp32Top1(), gate.drop(),
                    gate.maxDrop() == null ? "" : String.format(Locale.ROOT, ", limit %.2f", gate.maxDrop()),
                    gate.samples());
        }
        out.printf("cost model: %s%n", costModel);
        out.flush();
    }
}
