package io.sigmaquant.controller.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Chooses an online agent of a device class for an attempt, in turn, waiting for one to come online. */
final class OnlineAgents {
    /** How often an attempt looks again for an online agent of its class. */
    private static final long POLL_MS = 200;

    private final FleetRegistry registry;
    private final AtomicInteger roundRobin = new AtomicInteger();

    OnlineAgents(FleetRegistry registry) {
        this.registry = registry;
    }

    /**
     * An online agent of the class, one not in {@code avoid} if there is one.
     *
     * @throws JobFailedException when none comes online within {@code wait}
     */
    String pick(String deviceClass, Set<String> avoid, Duration wait) throws InterruptedException {
        long until = System.currentTimeMillis() + wait.toMillis();
        while (true) {
            List<FleetRegistry.Agent> online = registry.online(deviceClass);
            List<FleetRegistry.Agent> fresh = online.stream().filter(a -> !avoid.contains(a.id())).toList();
            List<FleetRegistry.Agent> choice = fresh.isEmpty() ? online : fresh;
            if (!choice.isEmpty()) {
                return choice.get(Math.floorMod(roundRobin.getAndIncrement(), choice.size())).id();
            }
            if (System.currentTimeMillis() > until) {
                throw new JobFailedException("no online agent of device class " + deviceClass + " within "
                        + wait.toSeconds() + " s");
            }
            Thread.sleep(POLL_MS);
        }
    }
}
