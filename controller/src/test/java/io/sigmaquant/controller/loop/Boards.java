package io.sigmaquant.controller.loop;

import io.sigmaquant.protocol.message.JobResult;

/** Alters simulated results the way a real board's state would. */
final class Boards {
    private Boards() {
    }

    /**
     * The same result with every time in it multiplied by {@code factor}: the candidate's and, when the job was
     * paired, its reference's alike (a slow board is slow for both), so the ratio is unchanged.
     */
    static JobResult slower(JobResult r, double factor) {
        JobResult.Reference ref = r.reference();
        JobResult.Reference slowRef = ref == null ? null : new JobResult.Reference(ref.modelSha256(),
                scaled(ref.latency(), factor), ref.rounds(), ref.ratio(), ref.ratioCiLow(), ref.ratioCiHigh());
        return new JobResult(r.schemaVersion(), null, r.correlationId(), r.agentId(), r.jobId(), r.attempt(),
                r.modelSha256(), r.simulated(), scaled(r.latency(), factor), r.nodes().stream()
                .map(n -> new JobResult.NodeTime(n.node(), n.op(), n.provider(), n.micros() * factor)).toList(),
                r.energy(), r.peakMemoryBytes(), r.before(), r.after(), r.onnxRuntimeVersion(), r.threads(), slowRef);
    }

    private static JobResult.Latency scaled(JobResult.Latency l, double f) {
        return new JobResult.Latency(l.runs(), l.medianMs() * f, l.p90Ms() * f, l.p99Ms() * f, l.meanMs() * f, l.cv(),
                l.totalMs() * f, l.medianCiLowMs() == null ? null : l.medianCiLowMs() * f,
                l.medianCiHighMs() == null ? null : l.medianCiHighMs() * f, l.ciTargetReached());
    }
}
