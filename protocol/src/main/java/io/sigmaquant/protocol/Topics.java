package io.sigmaquant.protocol;

import java.util.regex.Pattern;

/**
 * The MQTT v5 topic tree (docs/ARCHITECTURE.md, wire protocol).
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>direction</th><th>payload</th><th>QoS</th></tr>
 *   <tr><td>{@code sq/v1/agents/{agentId}/status}</td><td>agent → all (retained, Last Will {@code offline})</td>
 *       <td>capabilities or offline</td><td>1</td></tr>
 *   <tr><td>{@code sq/v1/agents/{agentId}/jobs}</td><td>controller → agent</td><td>measurement job, cancel, result-recorded (1.4)</td><td>1</td></tr>
 *   <tr><td>{@code sq/v1/agents/{agentId}/results}</td><td>agent → controllers (shared subscription)</td>
 *       <td>accepted / progress / result / error</td><td>1</td></tr>
 * </table>
 */
public final class Topics {
    public static final String ROOT = "sq/v1";
    public static final String CONTROLLER_GROUP = "sigmaquant-controllers";
    /** MQTT topic levels may not contain wildcards or separators; ids are kept to a portable subset. */
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private Topics() {
    }

    public static String status(String agentId) {
        return agentTopic(agentId, "status");
    }

    public static String jobs(String agentId) {
        return agentTopic(agentId, "jobs");
    }

    public static String results(String agentId) {
        return agentTopic(agentId, "results");
    }

    /** What controllers subscribe to: every agent's results, split between controller replicas. */
    public static String sharedResultsFilter() {
        return "$share/" + CONTROLLER_GROUP + "/" + ROOT + "/agents/+/results";
    }

    public static String statusFilter() {
        return ROOT + "/agents/+/status";
    }

    /** The agent id in a concrete agent topic, or an exception naming the topic. */
    public static String agentIdOf(String topic) {
        String prefix = ROOT + "/agents/";
        if (!topic.startsWith(prefix)) {
            throw new IllegalArgumentException("not an agent topic: " + topic);
        }
        String rest = topic.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not an agent topic: " + topic);
        }
        return rest.substring(0, slash);
    }

    /** Whether a name can be an agent id or a controller name (and so a certificate's CN and a client id). */
    public static boolean isValidAgentId(String agentId) {
        return agentId != null && AGENT_ID.matcher(agentId).matches();
    }

    private static String agentTopic(String agentId, String leaf) {
        if (!isValidAgentId(agentId)) {
            throw new IllegalArgumentException("agentId must match " + AGENT_ID.pattern() + ": " + agentId);
        }
        return ROOT + "/agents/" + agentId + "/" + leaf;
    }
}
