package io.sigmaquant.controller.loop;

import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.calibration.NodeAttribution;
import io.sigmaquant.controller.fleet.Dispatcher;
import io.sigmaquant.controller.quant.QuantizedModel;
import io.sigmaquant.protocol.message.JobResult;
import java.util.Map;

/**
 * One configuration measured on the device class: its bits, the model that was run (stored under
 * {@code sha256}), and the agent's result.
 */
public record Measurement(Map<String, Integer> bits, QuantizedModel model, String sha256, Dispatcher.Measured measured) {
    public JobResult result() {
        return measured.result();
    }

    public LatencyReading reading() {
        return LatencyReading.of(result());
    }

    public double sizeBytes() {
        return model.packedBytes();
    }

    /** The agent's per-node kernel times, charged to the layers of the graph it ran. */
    public NodeAttribution.Attribution attribution() {
        return new NodeAttribution(model.model().getGraph(), bits.keySet()).attribute(result().nodes());
    }

    /** The verdict on every budget, latency judged on its drift-corrected 95 % interval. */
    public BudgetVerdict verdict(Budgets budgets, DriftCorrection.Corrected latency) {
        boolean energyMet = within(budgets, Resource.ENERGY, result().energy().millijoulesPerInference());
        BudgetVerdict v = BudgetVerdict.of(within(budgets, Resource.SIZE, sizeBytes()) && energyMet, latency,
                budgets.has(Resource.LATENCY) ? budgets.limit(Resource.LATENCY) : Double.NaN);
        // an estimated energy over the budget is no proof of a miss: it is undecided until a meter says
        boolean estimatedMiss = !energyMet && result().energy().estimated() && within(budgets, Resource.SIZE, sizeBytes());
        return estimatedMiss ? BudgetVerdict.UNDECIDED : v;
    }

    /**
     * @param latency  the drift-corrected latency the budgets are judged on
     * @param fitError the refitted model's cross-validated error after this measurement, or NaN
     */
    public LoopIteration iteration(int index, IterationKind kind, double predictedMs, Budgets budgets,
                                   DriftCorrection.Corrected latency, double fitError) {
        JobResult r = result();
        LatencyReading reading = reading();
        BudgetVerdict verdict = verdict(budgets, latency);
        return new LoopIteration(index, kind, bits, measured.agentId(), predictedMs, r.latency().medianMs(),
                latency.ms(), latency.lowMs(), latency.highMs(), reading.ratio(), r.energy().millijoulesPerInference(),
                r.energy().estimated(), sizeBytes(), verdict.meets(), verdict, fitError);
    }

    private static boolean within(Budgets budgets, Resource r, double value) {
        return !budgets.has(r) || value <= budgets.limit(r);
    }
}
