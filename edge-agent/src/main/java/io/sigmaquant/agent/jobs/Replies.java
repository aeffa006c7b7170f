package io.sigmaquant.agent.jobs;

import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;

/** Where job replies go (the MQTT results topic; a list in tests). */
public interface Replies {
    void send(Message reply);

    /**
     * A controller has recorded a result (protocol 1.4): replies that keep results to send again forget this one
     * ({@link UnacknowledgedResults}); others have nothing to do.
     */
    default void recorded(ResultRecorded ack) {
        // nothing kept
    }
}
