package io.sigmaquant.controller.fleet;

/** Why the registry stopped offering an agent jobs; {@link #reason} is what an attempt it held records. */
public enum AgentLoss {
    /** Its status said offline: the Last Will of a dropped connection, or a clean stop. */
    OFFLINE("agent-offline"),
    /** Connected, but its status said it cannot take jobs (since 1.2). */
    UNAVAILABLE("agent-unavailable"),
    /** Its heartbeat stopped with its connection open: a hung process (since 1.5). */
    STALE("agent-stale");

    private final String reason;

    AgentLoss(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
