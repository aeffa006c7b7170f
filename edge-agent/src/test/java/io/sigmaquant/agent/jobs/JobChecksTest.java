package io.sigmaquant.agent.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sigmaquant.agent.testing.Jobs;
import io.sigmaquant.protocol.Limits;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deadline horizon leaves room for a controller clock that runs ahead of the board's (issue 13 review). */
class JobChecksTest {
    private static final long NOW = 1_700_000_000_000L;
    private final JobChecks checks = JobChecks.anyBits(4);

    private static MeasurementJob due(long deadlineMs) {
        return Jobs.job("j", "http://127.0.0.1/models/m", "a".repeat(64), 10, deadlineMs, List.of());
    }

    @Test
    void check_longestLeaseFromAControllerClockAMinuteAhead_isAccepted() {
        long deadline = NOW + 60_000 + Limits.MAX_LEASE_SECONDS * 1000L;
        assertThatCode(() -> checks.check(due(deadline), NOW)).doesNotThrowAnyException();
    }

    @Test
    void check_deadlinePastTheHorizon_isInvalid() {
        assertThatThrownBy(() -> checks.check(due(NOW + Limits.MAX_DEADLINE_HORIZON_MS + 1), NOW))
                .isInstanceOf(JobFailure.class).hasMessageContaining("deadlineMs");
    }

    @Test
    void horizon_isTheLongestLeasePlusTheSkewMargin() {
        assertThat(Limits.MAX_DEADLINE_HORIZON_MS)
                .isEqualTo(Limits.MAX_LEASE_SECONDS * 1000L + Limits.CLOCK_SKEW_MARGIN_MS);
    }
}
