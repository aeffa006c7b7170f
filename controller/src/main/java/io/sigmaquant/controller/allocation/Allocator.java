package io.sigmaquant.controller.allocation;

/** Chooses a bitwidth per layer for an {@link AllocationProblem}; never returns an allocation that breaks a budget. */
public interface Allocator {
    /**
     * @throws InfeasibleBudgetException when no allocation it can find meets the budgets
     */
    Allocation allocate(AllocationProblem problem);

    String name();
}
