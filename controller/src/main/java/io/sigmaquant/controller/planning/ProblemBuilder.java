package io.sigmaquant.controller.planning;

import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.allocation.AllocationProblem;
import io.sigmaquant.controller.allocation.Budgets;
import io.sigmaquant.controller.allocation.Resource;
import io.sigmaquant.controller.analysis.Layer;
import io.sigmaquant.controller.analysis.ModelAnalysis;
import io.sigmaquant.controller.cost.CostModel;
import io.sigmaquant.controller.cost.LayerCost;
import io.sigmaquant.controller.sensitivity.SensitivityTable;
import java.util.List;

/** Builds the pure {@link AllocationProblem} from a model's analysis, a cost model and its sensitivity. */
public final class ProblemBuilder {
    private ProblemBuilder() {
    }

    public static AllocationProblem build(ModelAnalysis analysis, CostModel costs, SensitivityTable sensitivity,
                                          List<Integer> allowedBits, Budgets budgets) {
        int n = analysis.layers().size();
        int[] bits = allowedBits.stream().mapToInt(Integer::intValue).sorted().toArray();
        double[][] d = new double[n][bits.length];
        double[][][] cost = new double[Resource.values().length][n][bits.length];
        double[] sigma = new double[n];
        for (int l = 0; l < n; l++) {
            Layer layer = analysis.layers().get(l);
            sigma[l] = layer.sigma();
            for (int j = 0; j < bits.length; j++) {
                d[l][j] = bits[j] == 32 ? 0 : sensitivity.d(layer.name(), bits[j]);
                if (!Double.isFinite(d[l][j])) {
                    // NaN weights or outputs give a NaN divergence: nothing can be ranked on it
                    throw new UserInputException("the KL sensitivity of layer " + layer.name() + " at " + bits[j]
                            + " bits is " + d[l][j] + ": are its weights or the model's outputs finite?");
                }
                LayerCost c = costs.cost(layer, bits[j]);
                cost[Resource.SIZE.ordinal()][l][j] = c.sizeBytes();
                cost[Resource.LATENCY.ordinal()][l][j] = c.latencyMs();
                cost[Resource.ENERGY.ordinal()][l][j] = c.energyMj();
            }
        }
        LayerCost rest = costs.remainder();
        double[] remainder = {rest.sizeBytes(), rest.latencyMs(), rest.energyMj()};
        List<String> names = analysis.layers().stream().map(Layer::name).toList();
        return new AllocationProblem(names, bits, d, cost, remainder, sigma, budgets);
    }
}
