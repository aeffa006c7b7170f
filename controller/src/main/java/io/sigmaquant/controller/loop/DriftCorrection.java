package io.sigmaquant.controller.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Corrects latencies for the board's drift between jobs (heat, other load, frequency). When a job measured the
 * run's reference model (the float model) interleaved with the candidate, the ratio of the two is what drift
 * leaves alone; the candidate's latency is then that ratio times the reference's typical latency in this run
 * (the median of every reference median and every float measurement so far). Jobs without a reference are
 * taken as measured.
 */
final class DriftCorrection {
    /** A latency with its 95 % interval (NaN bounds when there is none). */
    record Corrected(double ms, double lowMs, double highMs) {
        boolean hasInterval() {
            return Double.isFinite(lowMs) && Double.isFinite(highMs);
        }
    }

    private final List<Double> referenceMs = new ArrayList<>();

    /** Notes what a measurement says of the reference's latency: its paired reference, or itself when it is float. */
    void observe(LatencyReading r, boolean isReference) {
        if (r.paired()) {
            referenceMs.add(r.referenceMs());
        } else if (isReference) {
            referenceMs.add(r.medianMs());
        }
    }

    /** The reference's typical latency so far, or NaN before any. */
    double baselineMs() {
        if (referenceMs.isEmpty()) {
            return Double.NaN;
        }
        double[] s = referenceMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * @param isReference whether the reading is of the reference model itself (measured alone): it is then taken
     *                    at the reference's typical latency, as a paired job's ratio of 1 would be
     */
    Corrected correct(LatencyReading r, boolean isReference) {
        double baseline = baselineMs();
        if (!(baseline > 0) || !(r.medianMs() > 0)) {
            return new Corrected(r.medianMs(), r.ciLowMs(), r.ciHighMs());
        }
        if (!r.paired()) {
            if (!isReference) {
                return new Corrected(r.medianMs(), r.ciLowMs(), r.ciHighMs());
            }
            double scale = baseline / r.medianMs();
            return new Corrected(baseline, r.ciLowMs() * scale, r.ciHighMs() * scale);
        }
        double ms = r.ratio() * baseline;
        if (Double.isFinite(r.ratioLow()) && Double.isFinite(r.ratioHigh())) {
            return new Corrected(ms, r.ratioLow() * baseline, r.ratioHigh() * baseline);
        }
        double scale = ms / r.medianMs();
        return new Corrected(ms, r.ciLowMs() * scale, r.ciHighMs() * scale);
    }

    @Override
    public String toString() {
        return "DriftCorrection" + Arrays.toString(referenceMs.toArray());
    }
}
