package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.MessageCodec;
import io.sigmaquant.protocol.ProtocolException;
import io.sigmaquant.protocol.Topics;
import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.Message;

/**
 * The first door for everything the controller reads from the broker, bytes and topic in: a status counts only
 * on its agent's status topic and when it names that agent; replies go to the dispatcher only from a results
 * topic, with the topic's agent, for the dispatcher to match with what it sent. Anything else is refused to
 * {@link UntrustedMessages}. Pure: no Paho, so that every case is tested without a broker.
 */
public final class FleetInbox {
    private static final String STATUS_LEAF = "/status";
    private static final String RESULTS_LEAF = "/results";

    private final MessageCodec codec = new MessageCodec();
    private final FleetRegistry fleet;
    private final JobDispatcher dispatcher;
    private final UntrustedMessages untrusted;

    public FleetInbox(FleetRegistry fleet, JobDispatcher dispatcher) {
        this.fleet = fleet;
        this.dispatcher = dispatcher;
        this.untrusted = dispatcher.untrusted();
    }

    /** Takes one message as the broker delivered it (any thread); never throws for what is in it. */
    public void arrived(String topic, byte[] payload) {
        String agentId;
        try {
            agentId = Topics.agentIdOf(topic);
        } catch (IllegalArgumentException e) {
            untrusted.refuse(Untrusted.WRONG_TOPIC, topic, "not an agent topic");
            return;
        }
        Message m;
        try {
            m = codec.decode(payload);
        } catch (ProtocolException e) {
            untrusted.refuse(Untrusted.UNREADABLE, agentId, e.getMessage());
            return;
        }
        if (m instanceof AgentStatus s && topic.endsWith(STATUS_LEAF)) {
            status(agentId, s);
        } else if (isReply(m) && topic.endsWith(RESULTS_LEAF)) {
            dispatcher.onReply(agentId, m);
        } else {
            untrusted.refuse(Untrusted.WRONG_TOPIC, agentId, "a '" + m.type() + "' on " + topic);
        }
    }

    private void status(String agentId, AgentStatus s) {
        if (!agentId.equals(s.agentId())) {
            untrusted.refuse(Untrusted.SPOOFED_AGENT_ID, agentId, "a status naming agent " + s.agentId());
            return;
        }
        fleet.update(s);
    }

    private static boolean isReply(Message m) {
        return m instanceof JobResult || m instanceof JobError || m instanceof JobAccepted || m instanceof JobProgress;
    }
}
