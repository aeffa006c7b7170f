package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One computation per key at a time; failures are not kept. Counted, never timed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SingleFlightTest {
    private final SingleFlight<String, Integer> flight = new SingleFlight<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Verifies that eight callers of one key, arriving while it is computed, get the one computation's value. */
    @Test
    void get_concurrentCallersOfOneKey_computeOnce() throws Exception {
        AtomicInteger computations = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = pool.submit(() -> flight.get("model", () -> {
            computations.incrementAndGet();
            await(release);
            return 42;
        }));
        waitUntilInFlight(1);
        List<Future<Integer>> waiting = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waiting.add(pool.submit(() -> flight.get("model", () -> computations.incrementAndGet() * 1000)));
        }
        while (flight.waiting() < 7) { // all seven arrived while the first computes
            Thread.onSpinWait();
        }

        release.countDown();

        assertThat(first.get()).isEqualTo(42);
        for (Future<Integer> f : waiting) {
            assertThat(f.get()).isEqualTo(42);
        }
        assertThat(computations).hasValue(1);
        assertThat(flight.inFlight()).isZero();
    }

    /** Verifies that different keys are computed apart. */
    @Test
    void get_twoKeys_computeEach() throws Exception {
        assertThat(flight.get("a", () -> 1)).isEqualTo(1);
        assertThat(flight.get("b", () -> 2)).isEqualTo(2);
    }

    /** Verifies that a failure reaches the callers that waited for it, and the next caller computes again. */
    @Test
    void get_failure_reachesWaitersThenIsRetried() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> failing = pool.submit(() -> flight.get("model", () -> {
            await(release);
            throw new IllegalArgumentException("bad model");
        }));
        waitUntilInFlight(1);
        Future<Integer> waiter = pool.submit(() -> flight.get("model", () -> 7));
        release.countDown();

        assertThatThrownBy(failing::get).hasCauseInstanceOf(IllegalArgumentException.class);
        // the waiter either joined the failed computation or came after it and computed itself
        try {
            assertThat(waiter.get()).isEqualTo(7);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).hasMessage("bad model");
        }
        assertThat(flight.get("model", () -> 8)).isEqualTo(8);
    }

    /** Verifies that a computing caller interrupted (its run cancelled) does not fail a waiter: it computes itself. */
    @Test
    void get_leaderInterrupted_waiterComputesItself() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Integer> leader = pool.submit(() -> flight.get("model", () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return 1;
        }));
        started.await();
        // whether it joins the leader's computation or arrives after it, the waiter must end with its own value
        Future<Integer> waiter = pool.submit(() -> flight.get("model", () -> 2));

        leader.cancel(true);

        assertThat(waiter.get()).isEqualTo(2);
    }

    private void waitUntilInFlight(int n) {
        while (flight.inFlight() < n) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
