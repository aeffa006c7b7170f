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

    public double sizeBytes() {
        return model.packedBytes();
    }

    /** The agent's per-node kernel times, charged to the layers of the graph it ran. */
    public NodeAttribution.Attribution attribution() {
        return new NodeAttribution(model.model().getGraph(), bits.keySet()).attribute(result().nodes());
    }

    /** Whether the packed size and the measured latency and energy are within every budget. */
    public boolean meets(Budgets budgets) {
        return within(budgets, Resource.SIZE, sizeBytes()) && within(budgets, Resource.LATENCY, result().latency().medianMs())
                && within(budgets, Resource.ENERGY, result().energy().millijoulesPerInference());
    }

    /** @param fitError the refitted model's cross-validated error after this measurement, or NaN */
    public LoopIteration iteration(int index, IterationKind kind, double predictedMs, Budgets budgets, double fitError) {
        JobResult r = result();
        return new LoopIteration(index, kind, bits, measured.agentId(), predictedMs, r.latency().medianMs(),
                r.energy().millijoulesPerInference(), r.energy().estimated(), sizeBytes(), meets(budgets), fitError);
    }

    private static boolean within(Budgets budgets, Resource r, double value) {
        return !budgets.has(r) || value <= budgets.limit(r);
    }
}
