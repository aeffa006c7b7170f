package io.sigmaquant.controller.allocation;

import java.util.Arrays;

/** The baseline: the same bitwidth for every layer. */
public final class UniformAllocator implements Allocator {
    private final int bits;

    public UniformAllocator(int bits) {
        this.bits = bits;
    }

    @Override
    public String name() {
        return "uniform:" + bits;
    }

    @Override
    public Allocation allocate(AllocationProblem p) {
        long start = System.nanoTime();
        int j = p.indexOfBits(bits);
        if (j < 0) {
            throw new InfeasibleBudgetException("uniform " + bits + "-bit is not allowed here; allowed bitwidths are "
                    + Arrays.toString(p.bits()));
        }
        int[] choice = new int[p.size()];
        Arrays.fill(choice, j);
        if (!p.feasible(choice)) {
            throw new InfeasibleBudgetException(names -> "uniform " + bits + "-bit breaks the budgets: "
                    + SigmaQuantPaperAllocator.violations(p, choice, names));
        }
        return Allocation.of(name(), p, choice, "UNIFORM", start);
    }
}
