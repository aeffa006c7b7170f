package io.sigmaquant.controller.fleetbench;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Verifies that figures are read from a Prometheus scrape as Prometheus itself would compute them. */
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
            # TYPE sigmaquant_dispatch_accept_seconds histogram
            sigmaquant_dispatch_accept_seconds_bucket{le="0.01",} 50.0
            sigmaquant_dispatch_accept_seconds_bucket{le="0.05",} 90.0
            sigmaquant_dispatch_accept_seconds_bucket{le="0.1",} 98.0
            sigmaquant_dispatch_accept_seconds_bucket{le="+Inf",} 100.0
            sigmaquant_dispatch_accept_seconds_count 100.0
            sigmaquant_dispatch_accept_seconds_sum 2.5
            sigmaquant_dispatch_queue_seconds_bucket{le="0.01",} 0.0
            sigmaquant_dispatch_queue_seconds_bucket{le="+Inf",} 0.0
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

    /** 100 observations: 50 up to 10 ms, 40 more up to 50 ms, 8 more up to 100 ms, 2 above. */
    @Test
    void quantile_median_isInterpolatedInItsBucket() {
        // rank 50 is the last of the first bucket: its upper edge
        assertThat(new PrometheusSamples(SCRAPE).quantile("sigmaquant_dispatch_accept_seconds", 0.5).getAsDouble())
                .isCloseTo(0.01, within(1e-12));
        // rank 70: 20 of the 40 in (0.01, 0.05] → halfway
        assertThat(new PrometheusSamples(SCRAPE).quantile("sigmaquant_dispatch_accept_seconds", 0.7).getAsDouble())
                .isCloseTo(0.03, within(1e-12));
    }

    @Test
    void quantile_rankInTheInfiniteBucket_isTheHighestFiniteEdge() {
        assertThat(new PrometheusSamples(SCRAPE).quantile("sigmaquant_dispatch_accept_seconds", 0.99))
                .hasValue(0.1);
    }

    @Test
    void quantile_noObservation_isEmpty() {
        assertThat(new PrometheusSamples(SCRAPE).quantile("sigmaquant_dispatch_queue_seconds", 0.5)).isEmpty();
        assertThat(new PrometheusSamples(SCRAPE).quantile("sigmaquant_result_seconds", 0.5)).isEmpty();
    }
}
