package io.sigmaquant.controller.fleet;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which agent each recently issued (job id, attempt) went to, kept in memory so that a reply with no attempt in
 * flight is mostly checked without a store query on the MQTT callback thread. Filled once from the
 * {@link DispatchLog} with the attempts of the last {@link #WINDOW}, the first time it is used, then by every
 * attempt issued here and every job another replica issued that a reply was {@link #lookUp looked up} for;
 * bounded, oldest jobs first out.
 */
final class IssuedAttempts {
    /**
     * Older attempts can no longer be answered: a reply comes at most a lease (the API allows 1 h) after its
     * attempt was sent, and the broker queues it for a stopped controller one session expiry (1 h) more.
     */
    static final Duration WINDOW = Duration.ofHours(2);
    /** Jobs remembered: ~200 bytes each, so ~10 MB at most; two hours of a busy fleet are far fewer. */
    static final int MAX_JOBS = 50_000;

    private final DispatchLog log;
    /** job id → attempt → agent, in insertion order so that the oldest job is dropped first. */
    private final Map<String, Map<Integer, String>> jobs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, String>> eldest) {
            return size() > MAX_JOBS;
        }
    };
    private boolean loaded;

    IssuedAttempts(DispatchLog log) {
        this.log = log;
    }

    /** Remembers an attempt issued here (already in the log). */
    synchronized void issued(String jobId, int attempt, String agentId) {
        load();
        put(jobId, attempt, agentId);
    }

    /** The agent the attempt was sent to, or null when it was not issued (or not within the window). */
    synchronized String sentTo(String jobId, int attempt) {
        load();
        Map<Integer, String> attempts = jobs.get(jobId);
        return attempts == null ? null : attempts.get(attempt);
    }

    /**
     * Reads a job's attempts from the log — issued by another replica, or here before a restart — keeps them, and
     * returns the agent this attempt was sent to, or null. Each call is a store read: the caller bounds them.
     */
    synchronized String lookUp(String jobId, int attempt) {
        load();
        for (DispatchLog.IssuedAttempt a : log.attempts(jobId)) {
            put(a.jobId(), a.attempt(), a.agentId());
        }
        return sentTo(jobId, attempt);
    }

    /** Whether any attempt of the job was issued. */
    synchronized boolean known(String jobId) {
        load();
        return jobs.containsKey(jobId);
    }

    /** One read of the log; if it fails, the next use tries again (the caller sees the store's exception). */
    private void load() {
        if (loaded) {
            return;
        }
        List<DispatchLog.SentTo> recent = log.issuedSince(System.currentTimeMillis() - WINDOW.toMillis(), MAX_JOBS);
        for (int i = recent.size() - 1; i >= 0; i--) { // oldest first, so that the oldest is dropped first
            DispatchLog.SentTo s = recent.get(i);
            put(s.jobId(), s.attempt(), s.agentId());
        }
        loaded = true;
    }

    private void put(String jobId, int attempt, String agentId) {
        jobs.computeIfAbsent(jobId, k -> new HashMap<>(2)).put(attempt, agentId);
    }
}
