package io.sigmaquant.agent.mqtt;

/**
 * The broker could not be reached or did not answer in time: not the operator's input, so the agent exits 1 and a
 * service manager tries again (a refused identity is an {@link IllegalArgumentException}, exit 2).
 */
public class BrokerUnreachableException extends RuntimeException {
    public BrokerUnreachableException(String brokerUri, Exception cause) {
        super("cannot connect to the broker " + brokerUri + ": " + cause.getMessage()
                + (cause.getCause() != null ? " (" + cause.getCause().getMessage() + ")" : ""), cause);
    }
}
