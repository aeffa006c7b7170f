package io.sigmaquant.controller.fleetbench;

import io.sigmaquant.controller.UserInputException;
import java.lang.management.ManagementFactory;

/** Whether this process may open a socket per agent (and its own files besides). */
final class OpenFileLimit {
    /** The JVM's jars, logs, the HTTP clients and the broker-side slack: measured at about 120, rounded up. */
    static final int RESERVE = 256;

    private OpenFileLimit() {
    }

    /** The soft limit ({@code ulimit -n}), or -1 where the platform does not say. */
    static long current() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : -1;
    }

    /** @throws UserInputException in one line naming the limit and the fix */
    static void check(long limit, int agents) {
        long needed = (long) agents + RESERVE;
        if (limit >= 0 && limit < needed) {
            throw new UserInputException("the open-file limit (ulimit -n) is " + limit + ", too low for " + agents
                    + " agents (about " + needed + " needed): raise it, e.g. ulimit -n " + Math.max(8192, needed));
        }
    }
}
