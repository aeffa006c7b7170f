package io.sigmaquant.agent.jobs;

/** A job that cannot complete, with the error reply's code. */
public class JobFailure extends RuntimeException {
    private final String code;

    public JobFailure(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
