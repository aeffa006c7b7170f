package io.sigmaquant.controller.fleet;

import java.time.Duration;

/**
 * How hard one job is tried.
 *
 * @param lease        how long one attempt may take before it is given up and sent again
 * @param maxAttempts  attempts at most, each on another online agent of the class where there is one
 * @param waitForAgent how long an attempt waits for an online agent of the class
 */
public record JobPolicy(Duration lease, int maxAttempts, Duration waitForAgent) {
    public JobPolicy {
        if (lease.isNegative() || lease.isZero() || maxAttempts < 1 || waitForAgent.isNegative()) {
            throw new IllegalArgumentException("lease must be positive, maxAttempts at least 1, waitForAgent not negative");
        }
    }
}
