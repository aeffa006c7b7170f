package io.sigmaquant.agent.measure;

/**
 * The job's input does not fit the model (a name the model does not have, a shape it does not take): the job is
 * wrong, not the model, so the model stays cached and the reply names the job's field.
 */
public final class InputMismatchException extends RuntimeException {
    private final String field;

    public InputMismatchException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
