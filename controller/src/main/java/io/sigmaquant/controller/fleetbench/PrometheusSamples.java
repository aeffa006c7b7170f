package io.sigmaquant.controller.fleetbench;

import java.util.OptionalDouble;

/** Values read from a Prometheus text scrape, by sample name and label text, for the summary only. */
final class PrometheusSamples {
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
}
