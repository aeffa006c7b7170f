package io.sigmaquant.controller.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test moves: a burst, then one submission every 60 / perMinute seconds. */
class SubmissionRateLimitTest {
    final AtomicLong now = new AtomicLong();
    final SubmissionRateLimit limit = new SubmissionRateLimit(6, 2, now::get);

    @Test
    void take_pastTheBurst_waitsForTheNextToken() {
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isEqualTo(10); // 6 a minute: one every 10 s

        now.addAndGet(TimeUnit.SECONDS.toNanos(4));
        assertThat(limit.take("a")).isEqualTo(6);
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        assertThat(limit.take("a")).isZero();
    }

    @Test
    void take_clientsHaveBucketsOfTheirOwn() {
        limit.take("a");
        limit.take("a");
        assertThat(limit.take("a")).isPositive();
        assertThat(limit.take("b")).isZero();
    }

    @Test
    void take_idleClient_refillsOnlyUpToTheBurst() {
        limit.take("a");
        now.addAndGet(TimeUnit.HOURS.toNanos(1));
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isZero();
        assertThat(limit.take("a")).isPositive();
    }
}
