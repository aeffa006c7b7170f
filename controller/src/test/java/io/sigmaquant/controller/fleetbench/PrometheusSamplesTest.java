package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusSamplesTest {
    private static final String SCRAPE = """
            # HELP sigmaquant_measurement_seconds time from dispatching a job to its result
            # TYPE sigmaquant_measurement_seconds summary
            sigmaquant_measurement_seconds{quantile="0.5"} 0.0125
            sigmaquant_measurement_seconds{quantile="0.99"} 0.25
            sigmaquant_measurement_seconds_count 12
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 500.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 7.0
            """;

    @Test
    void sum_quantileLabel_readsThatSampleOnly() {
        assertThat(new PrometheusSamples(SCRAPE).sum("sigmaquant_measurement_seconds", "quantile=\"0.99\""))
                .hasValue(0.25);
    }

    @Test
    void sum_severalSeriesWithTheLabel_addsThem() {
        assertThat(new PrometheusSamples(SCRAPE).sum("jvm_memory_used_bytes", "area=\"heap\"")).hasValue(1500.0);
    }

    @Test
    void sum_meterNotExported_isEmpty() {
        assertThat(new PrometheusSamples(SCRAPE).sum("jvm_threads_live_threads")).isEmpty();
    }
}
