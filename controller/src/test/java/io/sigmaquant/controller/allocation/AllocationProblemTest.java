package io.sigmaquant.controller.allocation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allocators' bounds and proofs hold for finite costs and a finite, non-negative D only: a problem that
 * breaks that is refused where it is built, never solved into a false "OPTIMAL".
 */
class AllocationProblemTest {
    private static AllocationProblem problem(double d, double cost) {
        double[][][] costs = new double[Resource.values().length][1][2];
        costs[Resource.SIZE.ordinal()][0] = new double[] {cost, 4};
        return new AllocationProblem(List.of("layer"), new int[] {2, 32}, new double[][] {{d, 0}}, costs,
                new double[Resource.values().length], new double[] {0.1}, Budgets.none());
    }

    @Test
    void create_dNotANumberNegativeOrInfinite_isRefusedNamingTheLayer() {
        for (double bad : new double[] {Double.NaN, -1e-9, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> problem(bad, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("layer").hasMessageContaining("2 bits");
        }
    }

    @Test
    void create_costNotFinite_isRefused() {
        assertThatThrownBy(() -> problem(0.5, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite");
    }
}
