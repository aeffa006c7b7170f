package io.sigmaquant.controller.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A dispatch log in memory, for tests without a store; it counts its reads, as a store would cost them. */
final class MemoryDispatchLog implements DispatchLog {
    private final List<IssuedAttempt> issued = new CopyOnWriteArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();

    @Override
    public void issued(IssuedAttempt attempt) {
        issued.add(attempt);
    }

    @Override
    public List<IssuedAttempt> attempts(String jobId) {
        reads.incrementAndGet();
        return issued.stream().filter(a -> a.jobId().equals(jobId)).toList();
    }

    @Override
    public List<SentTo> issuedSince(long sentSinceMs, int limit) {
        reads.incrementAndGet();
        List<SentTo> newestFirst = new ArrayList<>(issued.stream().map(a -> new SentTo(a.jobId(), a.attempt(),
                a.agentId())).toList());
        Collections.reverse(newestFirst);
        return newestFirst.subList(0, Math.min(limit, newestFirst.size()));
    }

    private final java.util.Map<String, String> failures = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void failed(String jobId, int attempt, String reason) {
        failures.put(jobId + "#" + attempt, reason);
    }

    @Override
    public java.util.Map<Integer, String> failures(String jobId) {
        java.util.Map<Integer, String> of = new java.util.TreeMap<>();
        failures.forEach((key, reason) -> {
            if (key.startsWith(jobId + "#")) {
                of.put(Integer.parseInt(key.substring(jobId.length() + 1)), reason);
            }
        });
        return of;
    }

    /** Queries answered so far. */
    int reads() {
        return reads.get();
    }
}
