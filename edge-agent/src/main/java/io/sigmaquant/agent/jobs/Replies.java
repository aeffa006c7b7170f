package io.sigmaquant.agent.jobs;

import io.sigmaquant.protocol.message.Message;

/** Where job replies go (the MQTT results topic; a list in tests). */
public interface Replies {
    void send(Message reply);
}
