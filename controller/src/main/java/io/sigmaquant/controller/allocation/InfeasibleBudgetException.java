package io.sigmaquant.controller.allocation;

import io.sigmaquant.controller.UserInputException;
import java.util.function.Function;

/**
 * No allocation meets the budgets; the message names the smallest achievable value of each violated resource.
 * It names each budget by {@link Resource#budgetName} ("size budget", as the HTTP API shows it); a front end
 * with its own names for budgets renders it again with {@link #naming}.
 */
public class InfeasibleBudgetException extends UserInputException {
    /** The message, given how budgets are called. */
    @FunctionalInterface
    public interface Text {
        String render(Function<Resource, String> budgetNames);
    }

    private final transient Text text;

    public InfeasibleBudgetException(String message) {
        this(names -> message);
    }

    public InfeasibleBudgetException(Text text) {
        super(text.render(Resource::budgetName));
        this.text = text;
    }

    /** The message with each budget called what {@code budgetNames} says (e.g. by a command-line flag). */
    public String naming(Function<Resource, String> budgetNames) {
        return text.render(budgetNames);
    }
}
