package io.sigmaquant.controller.service;

import io.sigmaquant.controller.store.RunLeases;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's hold on its runs: at start it takes back the runs leased to its id (a restart) and claims runs
 * whose lease expired; then, every third of a lease, it renews the leases of the runs it executes, stops those it
 * no longer holds (cancelled elsewhere, or claimed by another replica after it stalled), and claims expired runs
 * while it has room for them — so that a replica's death costs its runs about one lease, not the runs.
 */
final class RunOwnership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunOwnership.class);

    private final RunLeases leases;
    private final RunManager runs;
    private final String replica;
    private final Duration lease;
    private final int capacity;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sigmaquant-run-leases");
        t.setDaemon(true);
        return t;
    });

    /** @param capacity runs this replica executes at once: it claims no more than it has room for */
    RunOwnership(RunLeases leases, RunManager runs, String replica, Duration lease, int capacity) {
        this.leases = leases;
        this.runs = runs;
        this.replica = replica;
        this.lease = lease;
        this.capacity = capacity;
    }

    /** Takes back this replica's own runs and claims expired ones; then keeps the leases. Returns the runs taken. */
    int start() {
        int taken = 0;
        for (String id : leases.reclaimOwn(replica, lease)) {
            runs.resume(id);
            taken++;
        }
        taken += claimExpired();
        long every = Math.max(100, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        return taken;
    }

    /** One beat; never throws, so that the schedule goes on after a database outage. */
    void heartbeat() {
        try {
            Set<String> mine = runs.runningHere();
            Set<String> gone = new HashSet<>(mine);
            gone.removeAll(leases.renew(replica, mine, lease));
            gone.forEach(runs::lost);
            claimExpired();
        } catch (RuntimeException e) {
            LOG.warn("keeping the run leases of {}: {}", replica, e.getMessage());
        }
    }

    private int claimExpired() {
        int room = capacity - runs.runningHere().size();
        int taken = 0;
        for (String id : leases.claimExpired(replica, room, lease)) {
            LOG.info("run {} claimed by {}: its lease had expired", id, replica);
            runs.resume(id);
            taken++;
        }
        return taken;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
