package io.sigmaquant.controller.fleet;

import io.sigmaquant.controller.progress.Progress;
import io.sigmaquant.controller.progress.ProgressReporter;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.Locale;

/**
 * The two waits of an attempt — for an online agent of the class, then for its result — as progress, so that a
 * person running the loop sees what it waits for and since when. The service reports none; the CLI sets a
 * reporter once, before the first job.
 */
final class DispatchWaits {
    private volatile ProgressReporter reporter = ProgressReporter.NONE;

    void reportTo(ProgressReporter r) {
        reporter = r;
    }

    Progress forAgent(String deviceClass, MeasurementJob job, int attempt, int attempts) {
        return reporter.start(String.format(Locale.ROOT, "agent of %s for job %s (attempt %d of %d)", deviceClass,
                job.jobId(), attempt, attempts), ProgressReporter.UNKNOWN_TOTAL);
    }

    Progress forResult(String agentId, MeasurementJob job, int attempt, int attempts) {
        return reporter.start(String.format(Locale.ROOT, "measurement of job %s on %s (attempt %d of %d)",
                job.jobId(), agentId, attempt, attempts), ProgressReporter.UNKNOWN_TOTAL);
    }
}
