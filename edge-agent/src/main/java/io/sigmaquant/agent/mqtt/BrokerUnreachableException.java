package io.sigmaquant.agent.mqtt;

/**
 * The broker could not be reached, did not answer in time or dropped the connection: not the operator's input, so
 * the agent exits 1 and a service manager tries again (a refused identity is an {@link IllegalArgumentException},
 * exit 2).
 */
public class BrokerUnreachableException extends RuntimeException {
    /** @param hint what the operator may check if this persists, or null */
    public BrokerUnreachableException(String brokerUri, Exception cause, String hint) {
        super("cannot connect to the broker " + brokerUri + ": " + cause.getMessage()
                + (cause.getCause() != null ? " (" + cause.getCause().getMessage() + ")" : "")
                + (hint != null ? "; " + hint : ""), cause);
    }
}
