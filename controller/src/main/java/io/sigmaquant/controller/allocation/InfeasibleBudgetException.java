package io.sigmaquant.controller.allocation;

import io.sigmaquant.controller.UserInputException;

/** No allocation meets the budgets; the message names the smallest achievable value of each violated resource. */
public class InfeasibleBudgetException extends UserInputException {
    public InfeasibleBudgetException(String message) {
        super(message);
    }
}
