package io.sigmaquant.agent.jobs;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Whether this agent can take jobs, from the problems its parts report (the worker cannot start, the queue is
 * full, a job is stuck past its deadline). The listener hears each change: null = available again (status
 * {@code online}), else the reasons joined (status {@code unavailable}).
 */
public final class Availability {
    private final Map<String, String> problems = new TreeMap<>();
    private final Consumer<String> onChange;
    private String reported;

    public Availability(Consumer<String> onChange) {
        this.onChange = onChange;
    }

    /** Available from the start, nothing to report. */
    public static Availability ignored() {
        return new Availability(reason -> { });
    }

    /** @param part what is at fault (one entry per part) */
    public synchronized void down(String part, String reason) {
        problems.put(part, reason);
        report();
    }

    public synchronized void up(String part) {
        problems.remove(part);
        report();
    }

    /** Null when available. */
    public synchronized String reason() {
        return problems.isEmpty() ? null : String.join("; ", problems.values());
    }

    private void report() {
        String now = reason();
        if (!Objects.equals(now, reported)) {
            reported = now;
            onChange.accept(now);
        }
    }
}
