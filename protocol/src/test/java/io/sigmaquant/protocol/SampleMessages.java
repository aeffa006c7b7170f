package io.sigmaquant.protocol;

import io.sigmaquant.protocol.message.AgentStatus;
import io.sigmaquant.protocol.message.CancelJob;
import io.sigmaquant.protocol.message.JobAccepted;
import io.sigmaquant.protocol.message.JobError;
import io.sigmaquant.protocol.message.JobProgress;
import io.sigmaquant.protocol.message.JobResult;
import io.sigmaquant.protocol.message.MeasurementJob;
import io.sigmaquant.protocol.message.Message;
import io.sigmaquant.protocol.message.ResultRecorded;
import java.util.List;

/** One filled-in message of every kind, as the Java records produce them. */
final class SampleMessages {
    static final String SHA = "a".repeat(64);

    private SampleMessages() {
    }

    static MeasurementJob job() {
        return new MeasurementJob(Messages.SCHEMA_VERSION, null, "corr-1", "job-1", 1,
                new MeasurementJob.ModelRef("http://127.0.0.1:8080/models/" + SHA, SHA, 313_763),
                new MeasurementJob.InputSpec("input", List.of(1L, 1L, 28L, 28L), 1 / 255.0, 0.286, 0.353),
                new MeasurementJob.Settings(2, 10, 50, 2000, true), 1_900_000_000_000L,
                List.of(new MeasurementJob.LayerWork("/stem/Conv", 112_896, 144, 8, 12_544)));
    }

    static final String REF_SHA = "c".repeat(64);

    /** A 1.1 job: a CI target and a cap, and a reference model measured in alternating rounds. */
    static MeasurementJob pairedJob() {
        MeasurementJob j = job();
        return new MeasurementJob(Messages.SCHEMA_VERSION, null, j.correlationId(), "job-2", 1, j.model(), j.input(),
                new MeasurementJob.Settings(2, 10, 50, 2000, false, 8000, 0.01), j.deadlineMs(), j.workload(),
                new MeasurementJob.ModelRef("http://127.0.0.1:8080/models/" + REF_SHA, REF_SHA, 400_000),
                List.of(new MeasurementJob.LayerWork("/stem/Conv", 112_896, 144, 32, 12_544)));
    }

    /** A 1.1 result: the median's CI and the paired reference. */
    static JobResult pairedResult() {
        JobResult.SystemSample sample = new JobResult.SystemSample(List.of(2400.0), 45.0, false);
        return new JobResult(Messages.SCHEMA_VERSION, null, "corr-1", "pi5-01", "job-2", 1, SHA, false,
                new JobResult.Latency(60, 1.2, 1.4, 1.9, 1.25, 0.08, 75, 1.18, 1.23, true), List.of(),
                new JobResult.Energy("rapl", false, 3.1, 4.2, 1.5, null), 52_000_000, sample, sample, "1.23.2", 2,
                new JobResult.Reference(REF_SHA, new JobResult.Latency(60, 2.4, 2.6, 2.9, 2.45, 0.05, 150, 2.35, 2.46,
                        true), 12, 0.5, 0.48, 0.52), "CPU");
    }

    static List<Message> all() {
        AgentStatus.Capabilities caps = new AgentStatus.Capabilities("amd64", "Linux", 2, 24_000, "1.23.2",
                List.of("CPU"), "rapl", false, "0.1.0", "CPU");
        JobResult.SystemSample sample = new JobResult.SystemSample(List.of(2400.0, 2400.0), 45.0, false);
        return List.of(
                new AgentStatus(Messages.SCHEMA_VERSION, null, "corr-0", "pi5-01", AgentStatus.ONLINE, "raspberry-pi-5",
                        caps, 1_800_000_000_000L),
                new AgentStatus(Messages.SCHEMA_VERSION, null, "lwt", "pi5-01", AgentStatus.OFFLINE, null, null, 0),
                job(),
                new CancelJob(Messages.SCHEMA_VERSION, null, "corr-2", "job-1"),
                new JobAccepted(Messages.SCHEMA_VERSION, null, "corr-1", "pi5-01", "job-1", 1, 0),
                new JobProgress(Messages.SCHEMA_VERSION, null, "corr-1", "pi5-01", "job-1", 1, "measuring"),
                new JobResult(Messages.SCHEMA_VERSION, null, "corr-1", "pi5-01", "job-1", 1, SHA, false,
                        new JobResult.Latency(60, 1.2, 1.4, 1.9, 1.25, 0.08, 75),
                        List.of(new JobResult.NodeTime("/stem/Conv", "Conv", "CPUExecutionProvider", 120.5)),
                        new JobResult.Energy("rapl", false, 3.1, 4.2, 1.5, null), 52_000_000, sample, sample, "1.23.2", 2),
                pairedJob(),
                pairedResult(),
                new JobError(Messages.SCHEMA_VERSION, null, "corr-1", "pi5-01", "job-1", 1,
                        JobError.Codes.CHECKSUM_MISMATCH, "model sha256 is b..., job says a..."),
                new AgentStatus(Messages.SCHEMA_VERSION, null, "corr-3", "pi5-01", AgentStatus.UNAVAILABLE, null, null,
                        1_800_000_000_000L, "the measuring worker cannot start"),
                new ResultRecorded(Messages.SCHEMA_VERSION, null, "corr-1", "job-1", 1));
    }
}
