package io.sigmaquant.controller.fleet;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where messages the controller does not believe end: counted by reason (through the listener, a metric) and
 * logged once per (reason, agent), so that a client flooding forgeries cannot flood the log too. Never stored.
 */
public final class UntrustedMessages {
    private static final Logger LOG = LoggerFactory.getLogger(UntrustedMessages.class);
    /** Bounds the memory of what was logged: a forger can invent any number of agent ids. */
    static final int MAX_LOGGED = 10_000;

    private final DispatchListener listener;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public UntrustedMessages(DispatchListener listener) {
        this.listener = listener;
    }

    /**
     * @param agentId the agent the topic names, or the topic itself when it names none
     * @param detail  what was wrong, for the log line
     */
    public void refuse(Untrusted reason, String agentId, String detail) {
        listener.untrusted(reason);
        String key = reason.label() + " " + agentId;
        if (logged.size() < MAX_LOGGED && logged.add(key)) {
            LOG.warn("not trusted ({}) from {}: {}; counted in sigmaquant_untrusted_messages_total, further ones "
                    + "of this kind from it are not logged", reason.label(), agentId, detail);
        } else if (logged.size() == MAX_LOGGED && logged.add("")) {
            LOG.warn("{} kinds of untrusted messages logged; further ones are only counted", MAX_LOGGED);
        }
    }
}
