package io.sigmaquant.controller.fleet;

import io.sigmaquant.protocol.message.AgentStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents by id, from their retained status and Last Will: device class, online or not, when last heard. An agent
 * that announces a heartbeat (protocol 1.5) and then stays silent for {@link #STALE_AFTER_BEATS} periods is stale:
 * still connected as far as the broker knows, but hung, and offered no jobs until it is heard again.
 * {@link Listener}s hear of every agent that stops being offered jobs, as it happens, so that the jobs it holds
 * move at once instead of when their leases run out.
 */
public final class FleetRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(FleetRegistry.class);

    /**
     * Heartbeats missed before an agent is stale. Three, so that one heartbeat lost or late (a busy broker, a GC
     * pause) does not move jobs; with the agent's default period of 2 s a hung agent is stale after 6 s, plus at
     * most one {@link #sweepStale} period.
     */
    public static final int STALE_AFTER_BEATS = 3;

    /**
     * What the registry knows of one agent.
     *
     * @param schemaVersion the protocol version of its last status: what the controller may send it
     * @param heartbeatS    the heartbeat period its last status announced (1.5), or null
     * @param stale         online, but no status for {@link #STALE_AFTER_BEATS} heartbeats: offered no jobs
     * @param jobsHeld      the jobs its last status said it held, from any controller (1.5), or null
     */
    public record Agent(String id, String deviceClass, boolean online, long lastSeenMs,
                        AgentStatus.Capabilities capabilities, String schemaVersion, Integer heartbeatS,
                        boolean stale, Integer jobsHeld) {
        /** Whether it is offered jobs. */
        boolean takesJobs() {
            return online && !stale;
        }

        Agent asStale() {
            return new Agent(id, deviceClass, online, lastSeenMs, capabilities, schemaVersion, heartbeatS, true,
                    jobsHeld);
        }
    }

    /** Hears of an agent that stops being offered jobs; called on the thread that noticed, must not block. */
    public interface Listener {
        void lost(String agentId, AgentLoss why);
    }

    /**
     * Hears of every status an agent sends and of its becoming stale, with the agent as now known; called on the
     * thread that noticed (MQTT's, or the sweep's), must not block.
     */
    public interface Observer {
        void changed(Agent agent);
    }

    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    /** Why each agent last stopped taking jobs, for {@link #lossOf}. */
    private final Map<String, AgentLoss> losses = new ConcurrentHashMap<>();
    private final LongSupplier nowMs;

    public FleetRegistry() {
        this(System::currentTimeMillis);
    }

    /** With another wall clock (tests move it). */
    public FleetRegistry(LongSupplier nowMs) {
        this.nowMs = nowMs;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void addObserver(Observer observer) {
        observers.add(observer);
    }

    public void update(AgentStatus s) {
        Agent[] before = new Agent[1];
        Agent after = agents.compute(s.agentId(), (id, old) -> {
            before[0] = old;
            boolean online = AgentStatus.ONLINE.equals(s.state());
            String deviceClass = online ? s.deviceClass() : old != null ? old.deviceClass() : null;
            AgentStatus.Capabilities caps = online ? s.capabilities() : old != null ? old.capabilities() : null;
            return new Agent(id, deviceClass, online, nowMs.getAsLong(), caps, s.schemaVersion(), s.heartbeatS(),
                    false, s.jobsHeld());
        });
        observe(after);
        if (before[0] != null && before[0].takesJobs() && !after.takesJobs()) {
            notifyLost(after.id(), AgentStatus.UNAVAILABLE.equals(s.state()) ? AgentLoss.UNAVAILABLE
                    : AgentLoss.OFFLINE);
        }
    }

    /**
     * Marks stale every online agent with a heartbeat that has not been heard from for {@link #STALE_AFTER_BEATS}
     * periods, and tells the listeners; cheap (no I/O), run about every second.
     *
     * @return how many agents became stale
     */
    public int sweepStale() {
        long now = nowMs.getAsLong();
        int marked = 0;
        for (Agent a : agents.values()) {
            if (!a.takesJobs() || a.heartbeatS() == null
                    || now - a.lastSeenMs() <= STALE_AFTER_BEATS * 1000L * a.heartbeatS()) {
                continue;
            }
            // only this exact record: a status that arrived meanwhile wins
            if (agents.replace(a.id(), a, a.asStale())) {
                marked++;
                LOG.warn("agent {} is stale: no status for {} ms (heartbeat every {} s)", a.id(),
                        now - a.lastSeenMs(), a.heartbeatS());
                notifyLost(a.id(), AgentLoss.STALE);
                observe(agents.get(a.id()));
            }
        }
        return marked;
    }

    /** Why the agent is offered no jobs now, or null when it is (or was never seen: nothing to react to). */
    public AgentLoss lossOf(String agentId) {
        Agent a = agents.get(agentId);
        if (a == null || a.takesJobs()) {
            return null;
        }
        return a.stale() ? AgentLoss.STALE : losses.getOrDefault(agentId, AgentLoss.OFFLINE);
    }

    /**
     * The controller cannot hear anyone now (its broker session is down, the broker restarting): every agent's
     * silence so far is excused, so that none is stale for it; each has {@link #STALE_AFTER_BEATS} periods from
     * the last call to be heard again.
     */
    public void excuseSilence() {
        long now = nowMs.getAsLong();
        for (Agent a : agents.values()) {
            if (a.takesJobs()) {
                agents.replace(a.id(), a, new Agent(a.id(), a.deviceClass(), true, now, a.capabilities(),
                        a.schemaVersion(), a.heartbeatS(), false, a.jobsHeld()));
            }
        }
    }

    private void observe(Agent agent) {
        for (Observer o : observers) {
            try {
                o.changed(agent);
            } catch (RuntimeException e) {
                LOG.warn("a fleet observer failed on agent {}: {}", agent.id(), e.toString());
            }
        }
    }

    private void notifyLost(String agentId, AgentLoss why) {
        losses.put(agentId, why);
        for (Listener l : listeners) {
            try {
                l.lost(agentId, why);
            } catch (RuntimeException e) {
                LOG.warn("a fleet listener failed on agent {} ({}): {}", agentId, why, e.toString());
            }
        }
    }

    /** The agent, if it has ever sent a status. */
    public Optional<Agent> agent(String id) {
        return Optional.ofNullable(agents.get(id));
    }

    /** Agents of a device class offered jobs (online, not stale), in id order. */
    public List<Agent> online(String deviceClass) {
        return agents.values().stream().filter(a -> a.takesJobs() && deviceClass.equals(a.deviceClass()))
                .sorted(Comparator.comparing(Agent::id)).toList();
    }

    public List<Agent> all() {
        return agents.values().stream().sorted(Comparator.comparing(Agent::id)).toList();
    }
}
