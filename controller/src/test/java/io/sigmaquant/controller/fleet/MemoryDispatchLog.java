package io.sigmaquant.controller.fleet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A dispatch log in memory, for tests without a store. */
final class MemoryDispatchLog implements DispatchLog {
    private final List<IssuedAttempt> issued = new CopyOnWriteArrayList<>();

    @Override
    public void issued(IssuedAttempt attempt) {
        issued.add(attempt);
    }

    @Override
    public List<IssuedAttempt> attempts(String jobId) {
        return issued.stream().filter(a -> a.jobId().equals(jobId)).toList();
    }
}
