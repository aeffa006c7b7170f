package io.sigmaquant.agent.mqtt;

import io.sigmaquant.protocol.message.AgentStatus;

/**
 * The status still to be announced: only the latest counts. A status whose publish failed is put back only if
 * nothing newer was offered meanwhile, so a late failure of {@code online} cannot resurrect it over a newer
 * {@code unavailable} (issue 13 review: a status published outside the publisher thread could be lost for good).
 */
final class StatusSlot {
    private AgentStatus latest;
    private AgentStatus pending;

    /** A new status to announce; replaces any not yet taken. */
    synchronized void offer(AgentStatus status) {
        latest = status;
        pending = status;
    }

    /** Announces the latest status again (on every connect), even if it was published before. */
    synchronized void reannounce() {
        pending = latest;
    }

    /** The status to publish now, or null; it leaves the slot until {@link #failed} puts it back. */
    synchronized AgentStatus take() {
        AgentStatus s = pending;
        pending = null;
        return s;
    }

    /** Publishing {@code status} failed: it is retried unless a newer one has been offered. */
    synchronized void failed(AgentStatus status) {
        if (status == latest && pending == null) {
            pending = status;
        }
    }
}
