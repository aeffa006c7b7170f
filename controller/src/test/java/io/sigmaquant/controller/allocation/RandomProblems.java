package io.sigmaquant.controller.allocation;

import io.sigmaquant.controller.bench.SyntheticProblems;
import java.util.Random;

/** Seeded random problems for the property tests: 2..31 layers, random budgets on random resources. */
final class RandomProblems {
    private RandomProblems() {
    }

    static AllocationProblem generate(long seed) {
        int layers = 2 + new Random(seed ^ 0x5DEECE66DL).nextInt(30);
        return SyntheticProblems.generate(seed, layers, -1);
    }
}
