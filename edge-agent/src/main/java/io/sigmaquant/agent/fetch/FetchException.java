package io.sigmaquant.agent.fetch;

/** A model could not be fetched or failed its checks; {@code code} is the error reply's code. */
public class FetchException extends RuntimeException {
    private final String code;

    public FetchException(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
