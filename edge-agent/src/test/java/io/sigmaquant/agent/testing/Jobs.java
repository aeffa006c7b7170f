package io.sigmaquant.agent.testing;

import io.sigmaquant.protocol.Messages;
import io.sigmaquant.protocol.message.MeasurementJob;
import java.util.List;

/** Measurement jobs for the fixture models. */
public final class Jobs {
    private Jobs() {
    }

    public static MeasurementJob job(String id, ModelServer.Served model, long deadlineMs) {
        return job(id, model.url(), model.bytes(), deadlineMs);
    }

    public static MeasurementJob job(String id, String url, byte[] model, long deadlineMs) {
        return job(id, url, ModelServer.sha256(model), model.length, deadlineMs, List.of());
    }

    public static MeasurementJob job(String id, String url, String sha, long size, long deadlineMs,
                                     List<MeasurementJob.LayerWork> workload) {
        return new MeasurementJob(Messages.SCHEMA_VERSION, null, "corr-" + id, id, 1,
                new MeasurementJob.ModelRef(url, sha, size),
                new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                new MeasurementJob.Settings(1, 3, 20, 50, true), deadlineMs, workload);
    }

    public static long inAMinute() {
        return System.currentTimeMillis() + 60_000;
    }
}
