package io.sigmaquant.controller.fleetbench;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Values read from a Prometheus text scrape, by sample name and label text, for the summary only. */
final class PrometheusSamples {
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private final String scrape;

    PrometheusSamples(String scrape) {
        this.scrape = scrape == null ? "" : scrape;
    }

    /**
     * The sum of the samples named {@code name} whose labels contain every one of {@code labels} (e.g.
     * {@code area="heap"}); empty when there is none (a meter the controller does not export).
     */
    OptionalDouble sum(String name, String... labels) {
        double total = 0;
        boolean seen = false;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            boolean matches = true;
            for (String label : labels) {
                matches &= series.contains(label);
            }
            if (matches) {
                try {
                    total += Double.parseDouble(line.substring(space + 1).trim());
                    seen = true;
                } catch (NumberFormatException e) {
                    // NaN or a timestamp form we do not read: left out
                }
            }
        }
        return seen ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    /**
     * The q-quantile of a histogram from its cumulative {@code NAME_bucket{le="…"}} lines (series with other labels
     * added up), as Prometheus's {@code histogram_quantile} computes it: linear within the bucket holding the rank,
     * the lower edge 0 for the first bucket, and the highest finite edge when the rank falls in {@code +Inf}. Empty
     * when the histogram is not exported or has no observation.
     */
    OptionalDouble quantile(String histogram, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile is between 0 and 1: " + q);
        }
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        String prefix = histogram + "_bucket{";
        for (String line : scrape.lines().toList()) {
            Matcher le = LE.matcher(line);
            if (!line.startsWith(prefix) || !le.find()) {
                continue;
            }
            try {
                double edge = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                cumulative.merge(edge, count, Double::sum);
            } catch (NumberFormatException e) {
                // a sample we do not read: left out
            }
        }
        Double total = cumulative.get(Double.POSITIVE_INFINITY);
        if (total == null || total <= 0) {
            return OptionalDouble.empty();
        }
        double rank = q * total;
        double lowerEdge = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return OptionalDouble.of(lowerEdge);
                }
                double inBucket = bucket.getValue() - lowerCount;
                return OptionalDouble.of(inBucket <= 0 ? bucket.getKey()
                        : lowerEdge + (bucket.getKey() - lowerEdge) * (rank - lowerCount) / inBucket);
            }
            lowerEdge = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return OptionalDouble.of(lowerEdge);
    }
}
