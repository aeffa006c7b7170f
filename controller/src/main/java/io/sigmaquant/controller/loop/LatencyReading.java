package io.sigmaquant.controller.loop;

import io.sigmaquant.protocol.message.JobResult;

/**
 * What one job says about a configuration's latency: the median, its 95 % confidence interval (NaN when the
 * agent did not report one), and, when the job carried a reference model measured interleaved with it, the
 * reference's median and the candidate/reference ratio with its interval.
 */
public record LatencyReading(double medianMs, double ciLowMs, double ciHighMs, double referenceMs, double ratio,
                             double ratioLow, double ratioHigh) {

    /** Reads a result; fields the agent did not send are NaN. */
    public static LatencyReading of(JobResult r) {
        JobResult.Latency l = r.latency();
        JobResult.Reference ref = r.reference();
        return new LatencyReading(l.medianMs(), orNaN(l.medianCiLowMs()), orNaN(l.medianCiHighMs()),
                ref == null ? Double.NaN : ref.latency().medianMs(), ref == null ? Double.NaN : ref.ratio(),
                ref == null ? Double.NaN : orNaN(ref.ratioCiLow()), ref == null ? Double.NaN : orNaN(ref.ratioCiHigh()));
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    public boolean hasInterval() {
        return Double.isFinite(ciLowMs) && Double.isFinite(ciHighMs);
    }

    public boolean paired() {
        return Double.isFinite(ratio) && Double.isFinite(referenceMs) && referenceMs > 0;
    }

    /** Half the interval's width relative to the median, or NaN without an interval. */
    public double relativeHalfWidth() {
        return hasInterval() && medianMs > 0 ? (ciHighMs - ciLowMs) / 2 / medianMs : Double.NaN;
    }
}
