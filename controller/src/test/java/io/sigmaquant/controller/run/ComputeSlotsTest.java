package io.sigmaquant.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.controller.fleet.Dispatcher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComputeSlotsTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void run_oneSlot_secondRunWaitsUntilTheFirstWaitsForAnAgent() throws Exception {
        ComputeSlots slots = new ComputeSlots(1);
        CountDownLatch firstMeasuring = new CountDownLatch(1);
        CountDownLatch resultArrives = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        AtomicBoolean secondRanWhileFirstComputed = new AtomicBoolean();
        Dispatcher agent = (deviceClass, job, policy) -> {
            firstMeasuring.countDown();
            resultArrives.await();
            return null;
        };
        Dispatcher seenByRun = slots.releasingWhileWaiting(agent);
        CountDownLatch firstHoldsSlot = new CountDownLatch(1);
        CountDownLatch letFirstMeasure = new CountDownLatch(1);

        Future<?> first = threads.submit(() -> {
            slots.run(() -> {
                firstHoldsSlot.countDown();
                letFirstMeasure.await();
                seenByRun.measure("x86-64-generic", null, null);
            });
            return null;
        });
        firstHoldsSlot.await(30, TimeUnit.SECONDS);
        Future<?> second = threads.submit(() -> {
            slots.run(() -> {
                secondRanWhileFirstComputed.set(letFirstMeasure.getCount() > 0);
                secondRan.countDown();
            });
            return null;
        });

        assertThat(secondRan.await(200, TimeUnit.MILLISECONDS)).as("no slot for the second run yet").isFalse();
        letFirstMeasure.countDown();
        assertThat(firstMeasuring.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(secondRan.await(30, TimeUnit.SECONDS)).as("the waiting run's slot went to the second").isTrue();
        second.get(30, TimeUnit.SECONDS);
        resultArrives.countDown();
        first.get(30, TimeUnit.SECONDS);

        assertThat(secondRanWhileFirstComputed).isFalse();
        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void run_workThrows_slotIsFreeAgain() {
        ComputeSlots slots = new ComputeSlots(2);

        assertThatThrownBy(() -> slots.run(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(slots.available()).isEqualTo(2);
    }

    @Test
    void releasingWhileWaiting_interruptedWhileTakingTheSlotBack_endsWithoutLeakingASlot() throws Exception {
        ComputeSlots slots = new ComputeSlots(1);
        CountDownLatch measuring = new CountDownLatch(1);
        CountDownLatch otherHoldsSlot = new CountDownLatch(1);
        CountDownLatch releaseOther = new CountDownLatch(1);
        Dispatcher agent = (deviceClass, job, policy) -> {
            measuring.countDown();
            otherHoldsSlot.await(); // another run takes the slot while this one waits
            return null;
        };
        Future<?> run = threads.submit(() -> {
            slots.run(() -> {
                slots.releasingWhileWaiting(agent).measure("c", null, null);
            });
            return null;
        });
        measuring.await(30, TimeUnit.SECONDS);
        Future<?> other = threads.submit(() -> {
            slots.run(() -> {
                otherHoldsSlot.countDown();
                releaseOther.await();
            });
            return null;
        });
        otherHoldsSlot.await(30, TimeUnit.SECONDS);
        run.cancel(true); // interrupts it while it waits for the slot back

        releaseOther.countDown();
        other.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 3000 && slots.available() != 1; i++) {
            Thread.sleep(10);
        }

        assertThat(slots.available()).isEqualTo(1);
    }

    @Test
    void constructor_noSlot_isRefused() {
        assertThatThrownBy(() -> new ComputeSlots(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
