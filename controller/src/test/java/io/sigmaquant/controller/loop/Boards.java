package io.sigmaquant.controller.loop;

import io.sigmaquant.protocol.message.JobResult;

/** Alters simulated results the way a real board's state would. */
final class Boards {
    private Boards() {
    }

    /** The same result, every time in it multiplied by {@code factor}. */
    static JobResult slower(JobResult r, double factor) {
        JobResult.Latency l = r.latency();
        JobResult.Latency scaled = new JobResult.Latency(l.runs(), l.medianMs() * factor, l.p90Ms() * factor,
                l.p99Ms() * factor, l.meanMs() * factor, l.cv(), l.totalMs() * factor);
        return new JobResult(r.schemaVersion(), null, r.correlationId(), r.agentId(), r.jobId(), r.attempt(),
                r.modelSha256(), r.simulated(), scaled, r.nodes().stream().map(n -> new JobResult.NodeTime(n.node(),
                n.op(), n.provider(), n.micros() * factor)).toList(), r.energy(), r.peakMemoryBytes(), r.before(),
                r.after(), r.onnxRuntimeVersion(), r.threads());
    }
}
