package io.sigmaquant.controller.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests over seeded random problems: allocations never break a budget, the exact CP-SAT
 * reference is never worse than the heuristic, and unreachable budgets are reported, not relaxed.
 */
class AllocatorPropertiesTest {
    private static final SigmaQuantAllocator SIGMAQUANT = new SigmaQuantAllocator(SigmaQuantOptions.defaults());
    private static final CpSatAllocator EXACT = new CpSatAllocator(20);

    static LongStream seeds() {
        return LongStream.range(0, 120);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void allocate_randomProblem_meetsBudgetsAndExactIsNeverWorse(long seed) {
        AllocationProblem p = RandomProblems.generate(seed);
        Allocation heuristic;
        try {
            heuristic = SIGMAQUANT.allocate(p);
        } catch (InfeasibleBudgetException e) {
            // the heuristic may only give up where CP-SAT proves the budgets jointly infeasible
            assertThatThrownBy(() -> EXACT.allocate(p)).isInstanceOf(InfeasibleBudgetException.class);
            return;
        }
        Allocation exact = EXACT.allocate(p);
        assertThat(p.feasible(heuristic.choice())).isTrue();
        assertThat(p.feasible(exact.choice())).isTrue();
        assertThat(exact.status()).isEqualTo("OPTIMAL");
        double tolerance = 1e-6 * Math.max(1e-12, heuristic.objective()) + 1e-12;
        assertThat(exact.objective()).isLessThanOrEqualTo(heuristic.objective() + tolerance);
    }

    /** A budget equal to a uniform model's size is met exactly (byte counts are not rounded away). */
    @ParameterizedTest
    @MethodSource("seeds")
    void allocate_sizeBudgetExactlyAtUniformSize_isFeasibleForEveryAllocator(long seed) {
        AllocationProblem open = RandomProblems.generate(seed).withBudgets(Budgets.none());
        Allocation uniform = new UniformAllocator(2).allocate(open);
        AllocationProblem p = open.withBudgets(Budgets.of(open.total(Resource.SIZE, uniform.choice()), null, null));
        assertThat(p.feasible(EXACT.allocate(p).choice())).isTrue();
        assertThat(p.feasible(SIGMAQUANT.allocate(p).choice())).isTrue();
    }

    /** Keeps the property above from passing vacuously: most random problems must be solvable. */
    @org.junit.jupiter.api.Test
    void generate_seeds_mostlyGiveFeasibleProblemsWithBudgets() {
        long solved = seeds().filter(seed -> {
            AllocationProblem p = RandomProblems.generate(seed);
            try {
                SIGMAQUANT.allocate(p);
                return !p.budgets().limits().isEmpty();
            } catch (InfeasibleBudgetException e) {
                return false;
            }
        }).count();
        assertThat(solved).isGreaterThan(80);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void allocate_budgetBelowSmallestAchievable_isReportedWithThatValue(long seed) {
        AllocationProblem p = RandomProblems.generate(seed);
        double minSize = p.minimum(Resource.SIZE);
        AllocationProblem tight = p.withBudgets(p.budgets().with(Resource.SIZE, minSize * 0.99));
        String expected = Allocation.format(minSize);
        for (Allocator a : new Allocator[] {SIGMAQUANT, EXACT, new UniformAllocator(2)}) {
            assertThatThrownBy(() -> a.allocate(tight)).as(a.name()).isInstanceOf(InfeasibleBudgetException.class)
                    .hasMessageContaining("--max-size").hasMessageContaining(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void allocate_noBudgets_keepsEveryLayerAtItsLeastSensitiveBitwidth(long seed) {
        AllocationProblem p = RandomProblems.generate(seed).withBudgets(Budgets.none());
        Allocation a = SIGMAQUANT.allocate(p);
        double best = 0;
        for (double[] row : p.d()) {
            double min = Double.POSITIVE_INFINITY;
            for (double v : row) {
                min = Math.min(min, v);
            }
            best += min;
        }
        assertThat(a.objective()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-12));
    }
}
