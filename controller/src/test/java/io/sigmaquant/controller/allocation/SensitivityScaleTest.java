package io.sigmaquant.controller.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sigmaquant.controller.bench.ProblemCorpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Why the two KL modes need not share a scale: the data-free weights mode gives D on an arbitrary scale
 * (histograms of 1024 bins) and the outputs mode a mean KL of softmax outputs, but one table always comes from
 * one mode (the cache key holds it), and every allocator minimises Σ D under budgets, which no positive factor
 * on all of D changes. Verifies that multiplying D by factors from 1e-9 to 1e9 leaves every method's choice as it
 * was: nothing inside the allocators compares D with a fixed number.
 */
class SensitivityScaleTest {
    private static final Allocator[] METHODS = {
        new SigmaQuantAllocator(SigmaQuantOptions.defaults()),
        new SigmaQuantPaperAllocator(SigmaQuantOptions.defaults()),
        CpSatAllocator.reference(30),
    };

    @ParameterizedTest
    @ValueSource(doubles = {1e-9, 1e-3, 7.3, 1e4, 1e9})
    void allocate_everyDScaledByOneFactor_choosesTheSameAllocation(double factor) {
        for (ProblemCorpus.Family f : ProblemCorpus.Family.values()) {
            for (long seed = 0; seed < 3; seed++) {
                AllocationProblem p = ProblemCorpus.generate(f, 900 + seed, 4 + (int) (7 * seed));
                AllocationProblem scaled = scale(p, factor);
                for (Allocator a : METHODS) {
                    Allocation original;
                    try {
                        original = a.allocate(p);
                    } catch (InfeasibleBudgetException e) {
                        continue;
                    }
                    Allocation after = a.allocate(scaled);
                    assertThat(after.choice()).as("%s on %s seed %d", a.name(), f, seed)
                            .containsExactly(original.choice());
                    assertThat(after.objective()).isCloseTo(original.objective() * factor,
                            org.assertj.core.data.Percentage.withPercentage(1e-9));
                }
            }
        }
    }

    private static AllocationProblem scale(AllocationProblem p, double factor) {
        double[][] d = new double[p.size()][];
        for (int l = 0; l < p.size(); l++) {
            d[l] = p.d()[l].clone();
            for (int j = 0; j < d[l].length; j++) {
                d[l][j] *= factor;
            }
        }
        return new AllocationProblem(p.layers(), p.bits(), d, p.cost(), p.remainder(), p.sigma(), p.budgets());
    }
}
